// id: need_unmatched
// kind: rule
// title_zh: 未对接的需求
// title_en: Unmatched needs
// description_zh: 状态为待对接、没有任何资源对接、提出已超过政策设置 item_min_age_days（默认30天）的需求清单事项（提出日期早于统计日前30天）；未登记提出日期的事项不计为缺口，另列为“日期未登记”。
// description_en: Open needs with no matching resource raised more than item_min_age_days (policy, default 30) days before as_of (raised_on earlier than as_of minus that many days); needs without a date are not gaps but listed as 日期未登记 (view undated_items).
// source: 003 需求清单/供给清单
// severity: medium
// remedy_zh: 在联席会议上通报需求，匹配驻区单位资源清单。
// remedy_en: Present the need at the joint meeting and match it with a unit's resources.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: item_min_age_days int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)-[:RAISED]->(x:Need {status: 'open'})
WHERE x.raised_on IS NOT NULL AND x.raised_on < toString(date($as_of) - duration({days: $item_min_age_days}))
OPTIONAL MATCH (x)<-[r:FULFILS]-()
WITH s, c, x, r
WHERE r IS NULL
RETURN 'need_unmatched' AS rule, x.id AS id, x.title AS name, 'need' AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       coalesce(x.category, '') + '需求待对接，无资源对接（提出于' + x.raised_on + '）' AS detail, '在联席会议上通报需求，匹配驻区单位资源清单。' AS remedy
ORDER BY street_id, community_id, id
