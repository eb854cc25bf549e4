// id: agreement_without_evaluation
// kind: rule
// title_zh: 近12个月未开展双向评价的共建协议
// title_en: Active agreements not evaluated in the last 12 months
// description_zh: 已满一个评价周期的生效共建协议（状态生效且未过期，签订日期为空或在上一年同日及以前；未满一年的新协议尚未到评价时间，不计入），统计日前12个月内（上一年同日之后至统计日，含统计日）驻区单位与社区均未相互评价（按签约党组织负责的区域归属社区、街道）。
// description_en: Active agreements (status active, expires_on empty or >= as_of) signed at least a year before as_of (signed_on empty or on or before the same day a year earlier: a newer agreement has not reached its first evaluation round) on which neither side evaluated the other in the 12 months before as_of (after the same day a year earlier, up to and including as_of); placed by the areas their party-org parties cover.
// source: 000 建立驻区单位和社区共驻共建责任双向评价机制；全市89个街道建立驻区单位社区建设责任评价体系
// severity: medium
// remedy_zh: 组织驻区单位与社区党组织对照共建协议相互评价履责情况，评价结果记入双向评价表。
// remedy_en: Have the resident unit and the community party organization evaluate each other's duties under the agreement, and record it in the evaluations table.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:Agreement {status: 'active'})
WHERE x.expires_on IS NULL OR x.expires_on >= $as_of
WITH x, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS window_start
WHERE x.signed_on IS NULL OR x.signed_on <= window_start
OPTIONAL MATCH (x)<-[:UNDER]-(e:Evaluation)
WITH x, window_start, max(CASE WHEN e.evaluated_on <= $as_of THEN e.evaluated_on END) AS last_on,
     sum(CASE WHEN e.evaluated_on > window_start AND e.evaluated_on <= $as_of THEN 1 ELSE 0 END) AS recent
WHERE recent = 0
OPTIONAL MATCH (x)<-[:PARTY_TO]-(:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..2]->(c:Community)
WITH x, last_on, min(c.id) AS community_id, collect(DISTINCT c) AS cs
WITH x, last_on, community_id, cs, head([k IN cs WHERE k.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF]->(s1:Street)
WITH x, last_on, community_id, cs, min(s1.id) AS s1_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)<-[:PARTY_TO]-(:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..3]->(s2:Street)
WITH x, last_on, community_id, cs, s1_id, s1s, min(s2.id) AS s2_id, collect(DISTINCT s2) AS s2s
WITH x, last_on, community_id, cs, coalesce(s1_id, s2_id) AS street_id, s1s + s2s AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'agreement_without_evaluation' AS rule, x.id AS id, x.title AS name, 'agreement' AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       CASE WHEN last_on IS NULL THEN '从未开展双向评价' ELSE '近12个月未开展双向评价，最近一次评价于' + last_on END AS detail,
       '组织驻区单位与社区党组织对照共建协议相互评价履责情况，评价结果记入双向评价表。' AS remedy
ORDER BY street_id, community_id, id
