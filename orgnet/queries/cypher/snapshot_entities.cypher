// id: snapshot_entities
// kind: view
// title_zh: 快照中的组织、单位与共建协议
// title_en: Orgs, units and agreements of a snapshot
// description_zh: 每个党组织、单位和共建协议的编号、名称及所在社区、街道（多个时取编号最小者），用于比较两个快照的增减。
// description_en: Id, name, community and street (smallest id when several) of every party org, unit and agreement; compared between two snapshots to find what was added or is gone.
// source: what changed between two snapshots (两个快照之间的变化)
// stored: yes
// param: street_id str =null
// param: community_id str =null
// columns: entity, id, name, kind, street_id, community_id
MATCH (u:Unit)
OPTIONAL MATCH (u)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(c:Community)
WITH u, min(c.id) AS community_id
OPTIONAL MATCH (u)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s:Street)
WITH u, community_id, min(s.id) AS street_id
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'unit' AS entity, u.id AS id, u.name AS name, u.kind AS kind, street_id, community_id
UNION ALL
MATCH (o:PartyOrg)
OPTIONAL MATCH (o)-[:COVERS]->(:Area)-[:PART_OF*0..]->(c:Community)
WITH o, min(c.id) AS c1
OPTIONAL MATCH (o)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(c:Community)
WITH o, c1, min(c.id) AS c2
WITH o, coalesce(c1, c2) AS community_id
OPTIONAL MATCH (o)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s:Street)
WITH o, community_id, min(s.id) AS s1
OPTIONAL MATCH (o)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s:Street)
WITH o, community_id, s1, min(s.id) AS s2
WITH o, community_id, coalesce(s1, s2) AS street_id
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'party_org' AS entity, o.id AS id, o.name AS name, o.kind AS kind, street_id, community_id
UNION ALL
MATCH (x:Agreement)
OPTIONAL MATCH (x)<-[:PARTY_TO]-(:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..]->(c:Community)
WITH x, min(c.id) AS community_id
OPTIONAL MATCH (x)<-[:PARTY_TO]-(:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s:Street)
WITH x, community_id, min(s.id) AS street_id
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'agreement' AS entity, x.id AS id, x.title AS name, x.status AS kind, street_id, community_id
