// id: view_placement
// kind: view
// title_zh: 节点归属
// title_en: Where nodes sit
// description_zh: 每个节点所属的街道和社区：区域本身；党组织负责的区域或所在单位的区域；单位所在区域；党员的居住、报到区域及所在党组织；协议、会议的党组织，评价的评价方；需求、服务的社区。用于按账号范围筛选。
// description_en: The street and community each node sits in: an area itself; the areas a party org covers or its unit is located in; a unit's area; a member's home, report area and organization; an agreement's or meeting's party orgs, an evaluation's evaluator; a need's or service's community. Used to keep an account's reads inside its scope.
// scope: district
// param: ids str =null
// columns: id, street_id, community_id
UNWIND $ids AS nid
OPTIONAL MATCH (n1:Area {id: nid})
OPTIONAL MATCH (n2:PartyOrg {id: nid})
OPTIONAL MATCH (n3:Unit {id: nid})
OPTIONAL MATCH (n4:Member {id: nid})
OPTIONAL MATCH (n5:Agreement {id: nid})
OPTIONAL MATCH (n6:Need {id: nid})
OPTIONAL MATCH (n7:Resource {id: nid})
OPTIONAL MATCH (n8:Service {id: nid})
OPTIONAL MATCH (n9:Meeting {id: nid})
OPTIONAL MATCH (n0:Evaluation {id: nid})
WITH coalesce(n1, n2, n3, n4, n5, n6, n7, n8, n9, n0) AS n
WHERE n IS NOT NULL
OPTIONAL MATCH (n)-[:COVERS|LOCATED_IN|LIVES_IN|REPORTED_TO]->(a1:Area)
WITH n, collect(DISTINCT a1) AS s1
OPTIONAL MATCH (a2:Area)-[:RAISED|POSTED|CONVENED]->(n)
WITH n, s1, collect(DISTINCT a2) AS s2
OPTIONAL MATCH (n)-[:BASED_IN|MEMBER_OF|OFFERS]-(x)-[:COVERS|LOCATED_IN]->(a3:Area)
WITH n, s1, s2, collect(DISTINCT a3) AS s3
OPTIONAL MATCH (n)<-[:PARTY_TO|CONVENED|EVALUATED]-(y)-[:COVERS|LOCATED_IN]->(a4:Area)
WITH n, s1, s2, s3, collect(DISTINCT a4) AS s4
WITH n, CASE WHEN n:Area THEN [n] ELSE [] END + s1 + s2 + s3 + s4 AS anchors
UNWIND anchors AS a
OPTIONAL MATCH (a)-[:PART_OF*0..4]->(c:Community)
OPTIONAL MATCH (a)-[:PART_OF*0..4]->(s:Street)
RETURN DISTINCT n.id AS id, s.id AS street_id, c.id AS community_id
