// id: view_node
// kind: view
// scope: nodes id
// title_zh: 节点详情
// title_en: Node details
// description_zh: 一个节点的全部属性和标签。
// description_en: All properties and labels of one node.
// param: id str =null
// columns: id, props, labels
MATCH (n)
WHERE n.id = $id AND NOT n:OrgnetMeta AND NOT n:OrgnetStaging AND NOT n:OrgnetRetired
RETURN n.id AS id, properties(n) AS props, labels(n) AS labels
LIMIT 1
