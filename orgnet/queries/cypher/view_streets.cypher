// id: view_streets
// kind: view
// title_zh: 街道与社区
// title_en: Streets and communities
// description_zh: 全部街道及其下属社区，用于页面筛选。
// description_en: Every street with its communities, for page filters.
// columns: street_id, street, community_id, community
// stored: yes
MATCH (s:Street)
OPTIONAL MATCH (c:Community)-[:PART_OF]->(s)
RETURN s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community
ORDER BY street_id, community_id
