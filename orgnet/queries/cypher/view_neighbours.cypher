// id: view_neighbours
// kind: view
// scope: nodes source, id
// title_zh: 相邻节点
// title_en: Neighbours
// description_zh: 给定节点（多个编号用英文逗号分隔）的全部直接关系及相邻节点。
// description_en: Every relationship of the given nodes (ids separated by commas) and the node at its other end.
// param: ids str =null
// param: limit int =5000
// columns: source, rel, outgoing, props, id, name, labels, kind
MATCH (a)-[r]-(b)
WHERE a.id IN split($ids, ',') AND NOT b:OrgnetMeta AND NOT a:OrgnetStaging AND NOT a:OrgnetRetired
RETURN a.id AS source, type(r) AS rel, startNode(r).id = a.id AS outgoing,
       properties(r) AS props, b.id AS id,
       coalesce(b.name, b.title, b.topic, b.id) AS name, labels(b) AS labels,
       coalesce(b.level, b.kind, b.type, b.category) AS kind
LIMIT $limit
