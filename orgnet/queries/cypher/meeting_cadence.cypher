// id: meeting_cadence
// kind: rule
// title_zh: 联席会议召开不足
// title_en: Joint meetings held too rarely
// description_zh: 统计日前12个月内（上一年同日之后至统计日，含统计日）召开联席会议的月份（或季度）数不足的社区党组织和街道党工委：召开频次按政策设置 community_cadence、street_cadence（默认社区每月、街道每季度），每月一次的须有12个不同月份、每季度一次的须有4个不同季度召开过会议。
// description_en: Community and street committees that did not meet often enough in the 12 months before as_of (after the same day a year earlier, up to and including as_of): the cadence per level comes from the policy (community_cadence, street_cadence; defaults month and quarter); a monthly cadence needs meetings in 12 distinct calendar months, a quarterly one in 4 distinct calendar quarters.
// source: 003 每月/每季度
// severity: low
// remedy_zh: 按规定频次召开联席会议（默认社区党组织每月、街道党工委每季度至少一次）。
// remedy_en: Hold the joint meeting at the set cadence (by default monthly for a community, quarterly for a street).
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: community_cadence str =policy
// param: street_cadence str =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:PartyOrg)
WHERE x.kind IN ['community_committee', 'street_committee']
WITH x, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS window_start,
     CASE x.kind WHEN 'street_committee' THEN $street_cadence ELSE $community_cadence END AS cadence
OPTIONAL MATCH (x)-[:CONVENED]->(mt:Meeting)
WHERE mt.held_on > window_start AND mt.held_on <= $as_of
WITH x, cadence, CASE WHEN mt IS NULL THEN null WHEN cadence = 'month' THEN substring(mt.held_on, 0, 7)
     ELSE substring(mt.held_on, 0, 4) + '-Q' + toString((toInteger(substring(mt.held_on, 5, 2)) + 2) / 3) END AS period
WITH x, cadence, count(DISTINCT period) AS held
WITH x, cadence, held, CASE cadence WHEN 'month' THEN 12 ELSE 4 END AS required
WHERE held < required
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..2]->(c:Community)
WITH x, cadence, required, held, min(c.id) AS community_id, collect(DISTINCT c) AS cs
WITH x, cadence, required, held, community_id, cs, head([k IN cs WHERE k.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF]->(s1:Street)
WITH x, cadence, required, held, community_id, cs, min(s1.id) AS s1_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..3]->(s2:Street)
WITH x, cadence, required, held, community_id, cs, s1_id, s1s, min(s2.id) AS s2_id, collect(DISTINCT s2) AS s2s
WITH x, cadence, required, held, community_id, cs, coalesce(s1_id, s2_id) AS street_id, s1s + s2s AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'meeting_cadence' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       CASE cadence WHEN 'month' THEN '近12个月有' + toString(held) + '个月召开联席会议，应每月召开（12个月）'
            ELSE '近12个月有' + toString(held) + '个季度召开联席会议，应每季度召开（4个季度）' END AS detail,
       '按规定频次召开联席会议（默认社区党组织每月、街道党工委每季度至少一次）。' AS remedy
ORDER BY street_id, community_id, id
