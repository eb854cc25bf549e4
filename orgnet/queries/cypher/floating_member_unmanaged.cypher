// id: floating_member_unmanaged
// kind: rule
// personal: name
// title_zh: 未纳入组织管理的流动党员
// title_en: Floating members without an organization
// description_zh: 没有组织关系（不属于任何党组织）的流动党员；按居住地归属社区、街道。
// description_en: Floating members with no party organization (placed by their home area).
// source: 000 兜底管理; 002 §12
// severity: medium
// remedy_zh: 将流动党员纳入流动党员党组织或居住地社区党组织兜底管理。
// remedy_en: Bring the member into a floating-member organization or the home community's organization.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:Member {category: 'floating'})
OPTIONAL MATCH (x)-[r:MEMBER_OF]->()
WITH x, r
WHERE r IS NULL
OPTIONAL MATCH (x)-[:LIVES_IN]->(a:Area)
WITH a, collect({id: x.id, name: x.name, kind: x.category, detail: '流动党员，无组织关系'}) AS items
OPTIONAL MATCH (a)-[:PART_OF*0..2]->(c:Community)
WITH a, items, min(c.id) AS community_id, collect(DISTINCT c) AS cs
OPTIONAL MATCH (a)-[:PART_OF*0..3]->(s:Street)
WITH items, community_id, cs, min(s.id) AS street_id, collect(DISTINCT s) AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
WITH items, street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
     community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community
UNWIND items AS item
RETURN 'floating_member_unmanaged' AS rule, item.id AS id, item.name AS name, item.kind AS kind,
       street_id, street, community_id, community, item.detail AS detail, '将流动党员纳入流动党员党组织或居住地社区党组织兜底管理。' AS remedy
ORDER BY street_id, community_id, id
