// id: kpi_compound_manager_coverage
// kind: kpi
// title_zh: 物业公司和业委会党的组织和工作覆盖率
// title_en: Party coverage of property companies and owners' committees
// description_zh: 服务小区的物业公司和业主委员会中，有党组织（本单位党组织或联合党支部）、有党员在其中工作（交叉任职）或有在任党建指导员的比例（党的组织和工作覆盖）。
// description_en: Share of the property companies and owners' committees serving compounds with a party org based in them (own or joint), a member working there (cross-appointment) or an instructor in office (party organization and work coverage).
// source: 004 党的组织和工作覆盖实现全覆盖（红色物业、业委会）
// group: property
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (u:Unit)-[:LOCATED_IN]->(a)
WHERE u.kind IN ['property_company', 'owners_committee']
OPTIONAL MATCH (u)-[:SERVES]->(k:Compound)
WITH a, u, count(k) AS served
WHERE served > 0
OPTIONAL MATCH (u)<-[:WORKS_AT]-(w)
WITH a, u, count(w) > 0 AS has_members
OPTIONAL MATCH (u)<-[:BASED_IN]-(o)
WITH a, u, has_members, count(o) > 0 AS has_org
OPTIONAL MATCH (u)<-[h:HOLDS]-()
WHERE h.role = 'instructor' AND (h.since IS NULL OR h.since <= $as_of)
  AND (h.until IS NULL OR h.until >= $as_of)
WITH a, u, has_members, has_org, count(h) AS instructors
WITH a, u, has_members OR has_org OR instructors > 0 AS ok
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
