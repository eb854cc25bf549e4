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
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF]-(x:Compound)
OPTIONAL MATCH (x)<-[r:SERVES]-(:Unit {kind: 'property_company'})
WITH s, c, x, r
WHERE r IS NULL
RETURN 'compound_without_property' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '无物业公司服务' AS detail, '引入物业公司或由社区组织托管，提高物业覆盖率。' AS remedy
ORDER BY street_id, community_id, id
