// id: kpi_resident_unit_agreement
// kind: kpi
// title_zh: 驻区单位签订有效共建协议比例
// title_en: Resident units under an active agreement
// description_zh: 驻区单位中，本单位或其党组织是有效共建协议（状态生效且未过期）签约方的比例。
// description_en: Share of resident units that are party, directly or through their party org, to an active agreement (status active and expires_on empty or >= as_of).
// source: 000, 003 共驻共建
// group: cobuilding
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (u:Unit)-[:LOCATED_IN]->(a)
WHERE u.resident = true
OPTIONAL MATCH (u)<-[:BASED_IN*0..1]-()-[:PARTY_TO]->(ag)
WHERE ag.status = 'active' AND (ag.expires_on IS NULL OR ag.expires_on >= $as_of)
WITH a, u, count(DISTINCT ag) > 0 AS ok
WITH a, sum(CASE WHEN ok THEN 1 ELSE 0 END) AS num, count(*) AS den
OPTIONAL MATCH (a)-[:PART_OF*0..]->(c:Community)
WITH a, num, den, min(c.id) AS cid
WITH cid, sum(num) AS numerator, sum(den) AS denominator
WHERE $community_id IS NULL OR cid = $community_id
OPTIONAL MATCH (c:Community {id: cid})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH cid, c, s, numerator, denominator
WHERE $street_id IS NULL OR s.id = $street_id
RETURN cid AS community_id, c.name AS community, s.id AS street_id, s.name AS street,
       numerator, denominator
ORDER BY community_id
