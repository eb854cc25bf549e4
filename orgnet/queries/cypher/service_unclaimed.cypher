// id: service_unclaimed
// kind: rule
// title_zh: 无人认领的微心愿和志愿岗位
// title_en: Unclaimed wishes and posts
// description_zh: 没有党员认领、发布已超过政策设置 item_min_age_days（默认30天）的微心愿和志愿服务岗位（发布日期早于统计日前30天）；未登记发布日期的不计为缺口，另列为“日期未登记”。
// description_en: Wishes and volunteer posts nobody has claimed, posted more than item_min_age_days (policy, default 30) days before as_of; undated ones are not gaps but listed as 日期未登记 (view undated_items).
// source: 003 微心愿
// severity: low
// remedy_zh: 组织在职党员和驻区单位认领微心愿、志愿岗位。
// remedy_en: Invite in-service members and resident units to claim it.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: item_min_age_days int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)-[:POSTED]->(x:Service)
WHERE x.posted_on IS NOT NULL AND x.posted_on < toString(date($as_of) - duration({days: $item_min_age_days}))
OPTIONAL MATCH (x)<-[r:CLAIMED]-()
WITH s, c, x, r
WHERE r IS NULL
RETURN 'service_unclaimed' AS rule, x.id AS id, x.title AS name, x.type AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE x.type WHEN 'wish' THEN '微心愿无人认领' ELSE '志愿岗位无人认领' END + '（发布于' + x.posted_on + '）' AS detail, '组织在职党员和驻区单位认领微心愿、志愿岗位。' AS remedy
ORDER BY street_id, community_id, id
