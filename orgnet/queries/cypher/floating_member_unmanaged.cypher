// id: floating_member_unmanaged
// kind: rule
// title_zh: 未纳入组织管理的流动党员
// title_en: Floating members without an organization
// description_zh: 没有组织关系（不属于任何党组织）的流动党员。
// description_en: Floating members with no party organization.
// source: 000 兜底管理; 002 §12
// severity: medium
// remedy_zh: 将流动党员纳入流动党员党组织或居住地社区党组织兜底管理。
// remedy_en: Bring the member into a floating-member organization or the home community's organization.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:Member {category: 'floating'})
WHERE NOT (x)-[:MEMBER_OF]->(:PartyOrg)
WITH x
OPTIONAL MATCH (x)-[:LIVES_IN]->(:Area)-[:PART_OF*0..]->(c:Community)
WITH x, min(c.id) AS community_id, collect(DISTINCT c) AS cs
OPTIONAL MATCH (x)-[:LIVES_IN]->(:Area)-[:PART_OF*0..]->(s:Street)
WITH x, community_id, cs, min(s.id) AS street_id, collect(DISTINCT s) AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'floating_member_unmanaged' AS rule, x.id AS id, x.name AS name, x.category AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       '流动党员，无组织关系' AS detail, '将流动党员纳入流动党员党组织或居住地社区党组织兜底管理。' AS remedy
ORDER BY street_id, community_id, id
