// id: kpi_two_new_org_coverage
// kind: kpi
// title_zh: 两新组织党的工作覆盖率
// title_en: Two-new organization coverage
// description_zh: 非公企业和社会组织中，有党员工作、有党组织（含联合党支部）或有在任党建指导员的比例（即 1 − 两新组织未覆盖数/两新组织总数）。
// description_en: Share of private enterprises and social organizations with a member working there, a party org based in them (a joint branch counts) or an instructor in office (1 - two_new_org_uncovered / all two-new organizations).
// source: 000 两新组织党的工作覆盖
// group: coverage
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (u:Unit)-[:LOCATED_IN]->(a)
WHERE u.kind IN ['private_enterprise', 'social_org']
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
