// id: kpi_private_enterprise_org_coverage
// kind: kpi
// title_zh: 非公企业党组织覆盖率
// title_en: Private enterprise party organization coverage
// description_zh: 非公企业中，建有本单位党组织或纳入联合党支部的比例（非公企业党组织覆盖率；不含社会组织）。
// description_en: Share of private (non-public) enterprises with a party org of their own or in a joint branch (social organizations not counted).
// source: 000 非公企业党组织覆盖率
// group: coverage
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (u:Unit)-[:LOCATED_IN]->(a)
WHERE u.kind = 'private_enterprise'
OPTIONAL MATCH (u)<-[:BASED_IN]-(o:PartyOrg)
WHERE o.kind IN ['unit_org', 'joint_branch']
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
