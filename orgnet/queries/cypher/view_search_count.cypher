// id: view_search_count
// kind: view
// scope: district
// title_zh: 搜索结果总数
// title_en: Number of search matches
// description_zh: 名称或编号包含搜索内容的节点总数（与“按名称或编号搜索”的条件相同）。
// description_en: How many nodes the search by name or id matches (the same condition as view_search).
// param: q str =null
// columns: n
MATCH (n)
WHERE n.id IS NOT NULL AND NOT n:OrgnetMeta AND NOT n:OrgnetStaging AND NOT n:OrgnetRetired
  AND (toLower(n.id) CONTAINS toLower($q)
       OR toLower(coalesce(n.name, n.title, n.topic, '')) CONTAINS toLower($q))
RETURN count(n) AS n
