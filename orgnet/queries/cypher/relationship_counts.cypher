// id: relationship_counts
// kind: view
// scope: district
// title_zh: 各类关系数量
// title_en: Relationship counts by type
// description_zh: 图中每种关系的数量。
// description_en: How many relationships of each type the graph holds.
// columns: type, n
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
ORDER BY type
