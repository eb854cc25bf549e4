// id: kpi_agreement_evaluated
// kind: kpi
// title_zh: 共建协议双向评价开展率
// title_en: Active agreements evaluated in the last 12 months
// description_zh: 已满一个评价周期的生效共建协议中（签订日期为空或在上一年同日及以前；未满一年的新协议不计入），统计日前12个月内（上一年同日之后至统计日，含统计日）至少一方作出评价的比例（按签约党组织负责的区域归属社区）。
// description_en: Share of active agreements signed at least a year before as_of (signed_on empty or on or before the same day a year earlier; newer ones are not yet due) on which at least one side evaluated the other in the 12 months before as_of (after the same day a year earlier, up to and including as_of); placed by the areas their party-org parties cover.
// source: 000 建立驻区单位和社区共驻共建责任双向评价机制
// group: cobuilding
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (x:Agreement {status: 'active'})
WHERE x.expires_on IS NULL OR x.expires_on >= $as_of
WITH x, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS window_start
WHERE x.signed_on IS NULL OR x.signed_on <= window_start
OPTIONAL MATCH (x)<-[:UNDER]-(e:Evaluation)
WITH x, sum(CASE WHEN e.evaluated_on > window_start AND e.evaluated_on <= $as_of THEN 1 ELSE 0 END) > 0 AS ok
OPTIONAL MATCH (x)<-[:PARTY_TO]-(:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..2]->(c:Community)
WITH x, ok, min(c.id) AS cid
WITH cid, sum(CASE WHEN ok THEN 1 ELSE 0 END) AS numerator, count(*) AS denominator
WHERE $community_id IS NULL OR cid = $community_id
OPTIONAL MATCH (c:Community {id: cid})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH cid, c, s, numerator, denominator
WHERE $street_id IS NULL OR s.id = $street_id
RETURN cid AS community_id, c.name AS community, s.id AS street_id, s.name AS street,
       numerator, denominator
ORDER BY community_id
