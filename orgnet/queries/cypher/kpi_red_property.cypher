// id: kpi_red_property
// kind: kpi
// title_zh: 红色物业覆盖率
// title_en: Red property management
// description_zh: 物业公司中，建有本单位党组织或纳入联合党支部的比例（红色物业）。
// description_en: Share of property companies with a party org of their own or in a joint branch (red property management).
// source: 004 红色物业
// group: property
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (u:Unit)-[:LOCATED_IN]->(a)
WHERE u.kind = 'property_company'
OPTIONAL MATCH (u)<-[:BASED_IN]-(o:PartyOrg)
WITH a, u, count(o) > 0 AS ok
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
