// id: view_area_ancestors
// kind: view
// scope: nodes id
// title_zh: 上级区域
// title_en: Enclosing areas
// description_zh: 一个区域向上直到区的全部上级区域（楼栋 → 网格/小区 → 社区 → 街道 → 区）。
// description_en: Every area enclosing the given one, up to the district (building → grid/compound → community → street → district).
// param: id str =null
// columns: id, name, level
MATCH (n:Area)-[:PART_OF*1..5]->(a:Area)
WHERE n.id = $id
RETURN DISTINCT a.id AS id, a.name AS name, a.level AS level
