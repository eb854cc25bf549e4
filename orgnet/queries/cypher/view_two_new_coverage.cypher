// id: view_two_new_coverage
// kind: view
// title_zh: 两新组织“两个覆盖”（按覆盖方式）
// title_en: Two-new organizations by form of coverage
// description_zh: 非公企业和社会组织按覆盖方式计数（同“两新组织党的工作覆盖率”的口径，每个组织只计一次，依次判断）：单独建（有本单位党组织）、联合建（只在联合党支部中）、选派指导员（无党组织，有在任党建指导员）、有党员（仅有党员在此工作）、未覆盖（四者皆无）；按所在社区归属。
// description_en: Private enterprises and social organizations by form of coverage (the population of two_new_org_coverage, each counted once, in this order): own (a party org of their own), joint (only in a joint branch), instructor (no org, an instructor in office), members (only members working there), uncovered (none of these); placed by the community they are located in.
// source: 000 两新组织党的工作覆盖
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, unit_kind, form, n
MATCH (u:Unit)-[:LOCATED_IN]->(a)
WHERE u.kind IN ['private_enterprise', 'social_org']
OPTIONAL MATCH (u)<-[:WORKS_AT]-(w)
WITH a, u, count(w) > 0 AS has_members
OPTIONAL MATCH (u)<-[:BASED_IN]-(o)
WITH a, u, has_members,
     sum(CASE WHEN o.kind = 'joint_branch' THEN 1 ELSE 0 END) AS joint,
     sum(CASE WHEN o.kind <> 'joint_branch' THEN 1 ELSE 0 END) AS own
OPTIONAL MATCH (u)<-[h:HOLDS]-()
WHERE h.role = 'instructor' AND (h.since IS NULL OR h.since <= $as_of)
  AND (h.until IS NULL OR h.until >= $as_of)
WITH a, u, has_members, joint, own, count(h) AS instructors
WITH a, u.kind AS unit_kind,
     CASE WHEN own > 0 THEN 'own' WHEN joint > 0 THEN 'joint' WHEN instructors > 0 THEN 'instructor'
          WHEN has_members THEN 'members' ELSE 'uncovered' END AS form
WITH a, unit_kind, form, count(*) AS n
OPTIONAL MATCH (a)-[:PART_OF*0..]->(c:Community)
WITH a, unit_kind, form, n, min(c.id) AS cid
WITH cid, unit_kind, form, sum(n) AS n
WHERE $community_id IS NULL OR cid = $community_id
OPTIONAL MATCH (c:Community {id: cid})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH cid, c, s, unit_kind, form, n
WHERE $street_id IS NULL OR s.id = $street_id
RETURN cid AS community_id, c.name AS community, s.id AS street_id, s.name AS street, unit_kind, form, n
ORDER BY community_id, unit_kind, form
