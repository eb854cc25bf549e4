// id: view_search
// kind: view
// scope: nodes id
// title_zh: 按名称或编号搜索
// title_en: Search by name or id
// description_zh: 在所有类型的节点中按名称或编号查找（支持部分匹配，如输入“东风”）。
// description_en: Finds nodes of every kind whose name or id contains the text (partial match).
// param: q str =null
// param: limit int =50
// columns: id, name, labels, kind
MATCH (n)
WHERE n.id IS NOT NULL AND NOT n:OrgnetMeta AND NOT n:OrgnetStaging AND NOT n:OrgnetRetired
  AND (toLower(n.id) CONTAINS toLower($q)
       OR toLower(coalesce(n.name, n.title, n.topic, '')) CONTAINS toLower($q))
WITH n, coalesce(n.name, n.title, n.topic, n.id) AS name
RETURN n.id AS id, name, labels(n) AS labels,
       coalesce(n.level, n.kind, n.type, n.category) AS kind
ORDER BY CASE WHEN n.id = $q OR name = $q THEN 0 ELSE 1 END, size(name), name
LIMIT $limit
