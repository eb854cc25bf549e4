// id: need_unmatched
// kind: rule
// title_zh: 未对接的需求
// title_en: Unmatched needs
// description_zh: 状态为待对接、没有任何资源对接的需求清单事项。
// description_en: Open needs with no matching resource.
// source: 003 需求清单/供给清单
// severity: medium
// remedy_zh: 在联席会议上通报需求，匹配驻区单位资源清单。
// remedy_en: Present the need at the joint meeting and match it with a unit's resources.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)-[:RAISED]->(x:Need {status: 'open'})
OPTIONAL MATCH (x)<-[r:FULFILS]-()
WITH s, c, x, r
WHERE r IS NULL
RETURN 'need_unmatched' AS rule, x.id AS id, x.title AS name, 'need' AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN x.category IS NULL THEN '需求待对接，无资源对接' ELSE x.category + '需求待对接，无资源对接' END AS detail, '在联席会议上通报需求，匹配驻区单位资源清单。' AS remedy
ORDER BY street_id, community_id, id
