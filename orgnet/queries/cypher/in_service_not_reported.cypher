// id: in_service_not_reported
// kind: rule
// personal: name
// title_zh: 未到居住地社区报到的在职党员
// title_en: In-service members who have not reported
// description_zh: 在机关、事业单位、国有企业工作，或在“隶属层级”已填且不为“无”的单位工作的在职党员，有居住地但没有向任何社区报到（在职党员到社区报到）；按居住地归属社区、街道。向非居住地社区报到的另列“报到社区非居住地”。
// description_en: In-service members working at an agency, institution or state enterprise, or at a unit whose affiliation is set and not none (the 2019 在职党员到社区报到 notice), with a home area and no report to any community; placed by their home area. A report to another community is the separate rule reported_elsewhere.
// source: 003 双报到; 2019 中办《关于组织动员在职党员到社区报到为群众服务的通知》
// severity: medium
// remedy_zh: 通过党员所在单位通知其到居住地社区报到，认领服务岗位。
// remedy_en: Through the member's unit, ask the member to report to the home community (double reporting).
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LIVES_IN]-(x:Member {category: 'in_service'})-[:WORKS_AT]->(u:Unit)
WHERE u.kind IN ['agency', 'institution', 'state_enterprise'] OR coalesce(u.affiliation, 'none') <> 'none'
WITH DISTINCT s, c, x
OPTIONAL MATCH (x)-[r:REPORTED_TO]->()
WITH s, c, x, r
WHERE r IS NULL
RETURN 'in_service_not_reported' AS rule, x.id AS id, x.name AS name, x.category AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '未到居住地社区报到' AS detail, '通过党员所在单位通知其到居住地社区报到，认领服务岗位。' AS remedy
ORDER BY street_id, community_id, id
