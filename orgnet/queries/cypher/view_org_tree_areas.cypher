// id: view_org_tree_areas
// kind: view
// scope: nodes id
// title_zh: 街道下的区域及覆盖组织
// title_en: Areas of a street and the organizations covering them
// description_zh: 一个街道及其下属社区、网格、小区、楼栋，每个区域的上级区域和负责它的党组织（无则为未覆盖）。
// description_en: A street and its communities, grids, compounds and buildings, each with its parent areas and the party organizations covering it (none = uncovered).
// param: street_id str =null
// columns: id, name, level, parents, orgs
MATCH (s:Street)
WHERE s.id = $street_id
MATCH (a:Area)-[:PART_OF*0..3]->(s)
WITH DISTINCT a
OPTIONAL MATCH (a)-[:PART_OF]->(p:Area)
WITH a, collect(DISTINCT p.id) AS parents
OPTIONAL MATCH (o:PartyOrg)-[:COVERS]->(a)
RETURN a.id AS id, a.name AS name, a.level AS level, parents,
       collect(DISTINCT o.id) AS orgs
