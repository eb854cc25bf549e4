// id: in_service_not_reported
// kind: rule
// personal: name
// title_zh: 未到社区报到的在职党员
// title_en: In-service members who have not reported
// description_zh: 有居住地但没有向任何社区报到（双报到）的在职党员；按居住地归属社区、街道。
// description_en: In-service members with a home area and no report to a community (placed by their home area).
// source: 003 双报到
// severity: medium
// remedy_zh: 通知在职党员到居住地社区报到，认领服务岗位。
// remedy_en: Ask the member to report to the home community (double reporting).
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LIVES_IN]-(x:Member {category: 'in_service'})
OPTIONAL MATCH (x)-[r:REPORTED_TO]->()
WITH s, c, x, r
WHERE r IS NULL
RETURN 'in_service_not_reported' AS rule, x.id AS id, x.name AS name, x.category AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '在职党员，未到居住社区报到' AS detail, '通知在职党员到居住地社区报到，认领服务岗位。' AS remedy
ORDER BY street_id, community_id, id
