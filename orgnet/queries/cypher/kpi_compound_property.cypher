// id: kpi_compound_property
// kind: kpi
// title_zh: 小区物业覆盖率
// title_en: Compounds with property management
// description_zh: 有物业公司服务的小区占全部小区的比例。
// description_en: Share of compounds served by a property_company.
// source: 004 物业覆盖率
// group: property
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (a:Compound)
OPTIONAL MATCH (u:Unit)-[:SERVES]->(a)
WHERE u.kind = 'property_company'
WITH a, count(u) > 0 AS ok
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
