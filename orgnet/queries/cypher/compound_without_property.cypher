// id: compound_without_property
// kind: rule
// title_zh: 无物业服务的小区
// title_en: Compounds without property management
// description_zh: 没有物业公司服务服务（SERVES）的小区。
// description_en: Compounds no property_company serves.
// source: 004 物业覆盖率 61%
// severity: medium
// remedy_zh: 引入物业公司或由社区组织托管，提高物业覆盖率。
// remedy_en: Bring in a property company or community-managed property service.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:Compound)
WHERE NOT (x)<-[:SERVES]-(:Unit {kind: 'property_company'})
WITH x
OPTIONAL MATCH (x)-[:PART_OF*0..]->(c:Community)
WITH x, min(c.id) AS community_id, collect(DISTINCT c) AS cs
OPTIONAL MATCH (x)-[:PART_OF*0..]->(s:Street)
WITH x, community_id, cs, min(s.id) AS street_id, collect(DISTINCT s) AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'compound_without_property' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       '无物业公司服务' AS detail, '引入物业公司或由社区组织托管，提高物业覆盖率。' AS remedy
ORDER BY street_id, community_id, id
