// id: meeting_cadence
// kind: rule
// title_zh: 联席会议召开不足
// title_en: Joint meetings held too rarely
// description_zh: 统计日前12个月内召开联席会议少于12次的社区党组织、少于4次的街道党工委（统计区间：上一年同日之后至统计日，含统计日）。
// description_en: Community committees with fewer than 12 meetings, street committees with fewer than 4, in the 12 months before as_of (after the same day a year earlier, up to and including as_of).
// source: 003 每月/每季度
// severity: low
// remedy_zh: 社区党组织每月、街道党工委每季度至少召开一次联席会议。
// remedy_en: Hold the joint meeting monthly (community) or quarterly (street).
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:PartyOrg)
WHERE x.kind IN ['community_committee', 'street_committee']
WITH x, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS window_start
OPTIONAL MATCH (x)-[:CONVENED]->(mt:Meeting)
WHERE mt.held_on > window_start AND mt.held_on <= $as_of
WITH x, count(mt) AS held
WITH x, held, CASE x.kind WHEN 'street_committee' THEN 4 ELSE 12 END AS required
WHERE held < required
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..2]->(c:Community)
WITH x, required, held, min(c.id) AS community_id, collect(DISTINCT c) AS cs
WITH x, required, held, community_id, cs, head([k IN cs WHERE k.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF]->(s1:Street)
WITH x, required, held, community_id, cs, min(s1.id) AS s1_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..3]->(s2:Street)
WITH x, required, held, community_id, cs, s1_id, s1s, min(s2.id) AS s2_id, collect(DISTINCT s2) AS s2s
WITH x, required, held, community_id, cs, coalesce(s1_id, s2_id) AS street_id, s1s + s2s AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'meeting_cadence' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       '近12个月召开' + toString(held) + '次联席会议，少于' + toString(required) + '次' AS detail, '社区党组织每月、街道党工委每季度至少召开一次联席会议。' AS remedy
ORDER BY street_id, community_id, id
