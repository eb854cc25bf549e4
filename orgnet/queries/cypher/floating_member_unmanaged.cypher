// id: floating_member_unmanaged
// kind: rule
// personal: name
// title_zh: 未纳入组织管理的流动党员
// title_en: Floating members without an organization
// description_zh: 既无组织关系所在党组织（org_id）、也无管理党组织（managing_org_id，流入地）的流动党员；按居住地归属社区、街道。组织关系所在地（org_outside）也未登记的，明细注明“严重程度：高”；组织关系在区外但区内无人管理的，注明“严重程度：中”。
// description_en: Floating members with neither an organization holding their membership (org_id) nor one managing them where they are (managing_org_id); placed by their home area. The detail says severity high when the place of the membership (org_outside) is not recorded either, medium when it is held outside the district but nobody here manages the member.
// source: 000 兜底管理; 002 §12 (流入地管理)
// severity: high
// remedy_zh: 将流动党员纳入流动党员党组织或居住地社区党组织兜底管理，登记管理党组织和组织关系所在地。
// remedy_en: Bring the member into a floating-member organization or the home community's organization and record the managing organization and where the membership is held.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:Member {category: 'floating'})
OPTIONAL MATCH (x)-[r:MEMBER_OF]->()
WITH x, r
WHERE r IS NULL
OPTIONAL MATCH (x)-[g:MANAGED_BY]->()
WITH x, g
WHERE g IS NULL
OPTIONAL MATCH (x)-[:LIVES_IN]->(a:Area)
WITH a, collect({id: x.id, name: x.name, kind: x.category,
                 detail: CASE WHEN x.org_outside IS NULL OR x.org_outside = ''
                              THEN '流动党员，无组织关系、无管理党组织，组织关系所在地未登记（严重程度：高）'
                              ELSE '流动党员，组织关系在区外（' + x.org_outside + '），区内无管理党组织（严重程度：中）' END}) AS items
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
       street_id, street, community_id, community, item.detail AS detail, '将流动党员纳入流动党员党组织或居住地社区党组织兜底管理，登记管理党组织和组织关系所在地。' AS remedy
ORDER BY street_id, community_id, id
