// id: view_anchor_areas
// kind: view
// scope: nodes id
// title_zh: 所在区域
// title_en: Areas a node sits in
// description_zh: 节点自身（如为区域）、所负责、所在、居住或报到的区域，以及需求和服务所属的社区。
// description_en: The node itself if it is an area, else the areas it covers, is located in, lives in or reported to, or the community that raised or posted it.
// param: id str =null
// columns: id, name, level, how
MATCH (n)
WHERE n.id = $id AND NOT n:OrgnetMeta AND NOT n:OrgnetStaging AND NOT n:OrgnetRetired
OPTIONAL MATCH (n)-[r1:COVERS|LOCATED_IN|LIVES_IN|REPORTED_TO]->(a1:Area)
OPTIONAL MATCH (a2:Area)-[r2:RAISED|POSTED]->(n)
OPTIONAL MATCH (n)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(a3:Area)
WITH n, collect(DISTINCT {id: a1.id, name: a1.name, level: a1.level, how: type(r1)})
        + collect(DISTINCT {id: a2.id, name: a2.name, level: a2.level, how: type(r2)})
        + collect(DISTINCT {id: a3.id, name: a3.name, level: a3.level, how: 'BASED_IN'}) AS found
WITH n, CASE WHEN n:Area THEN [{id: n.id, name: n.name, level: n.level, how: 'SELF'}] ELSE [] END + found AS areas
UNWIND areas AS a
WITH a WHERE a.id IS NOT NULL
RETURN DISTINCT a.id AS id, a.name AS name, a.level AS level, a.how AS how
