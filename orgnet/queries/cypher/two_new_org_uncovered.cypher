// id: two_new_org_uncovered
// kind: rule
// title_zh: 党的工作未覆盖的两新组织
// title_en: New economic and social organizations not covered
// description_zh: 没有党员在此工作、没有党组织、也没有在任党建指导员的非公企业和社会组织。
// description_en: Private enterprises and social organizations with no members working there, no party org based in them and no instructor in office.
// source: 000 非公企业党组织覆盖率
// severity: high
// remedy_zh: 选派党建指导员，推动党的工作覆盖，条件成熟时组建党组织。
// remedy_en: Appoint an instructor to extend party work; form a party org when possible.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit)
WHERE x.kind IN ['private_enterprise', 'social_org']
OPTIONAL MATCH (x)<-[w:WORKS_AT]-()
WITH s, c, x, w
WHERE w IS NULL
OPTIONAL MATCH (x)<-[b:BASED_IN]-()
WITH s, c, x, b
WHERE b IS NULL
OPTIONAL MATCH (x)<-[h:HOLDS]-()
WHERE h.role = 'instructor' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH s, c, x, h
WHERE h IS NULL
RETURN 'two_new_org_uncovered' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '无党员、无党组织、无党建指导员' AS detail, '选派党建指导员，推动党的工作覆盖，条件成熟时组建党组织。' AS remedy
ORDER BY street_id, community_id, id
