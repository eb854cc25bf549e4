// id: kpi_owners_committee_members
// kind: kpi
// title_zh: 业委会党员交叉任职率
// title_en: Owners' committees with party members
// description_zh: 业主委员会中，有党员在其中任职（工作单位为该业主委员会）的比例（交叉任职）。
// description_en: Share of owners' committees with a party member on them (a member whose unit is the committee; cross-appointment).
// source: 004 业委会
// group: property
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (u:Unit)-[:LOCATED_IN]->(a)
WHERE u.kind = 'owners_committee'
OPTIONAL MATCH (u)<-[:WORKS_AT]-(m:Member)
WITH a, u, count(m) > 0 AS ok
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
