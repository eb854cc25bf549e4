// id: view_org_tree_orgs
// kind: view
// scope: nodes id
// title_zh: 街道下的党组织体系
// title_en: Party organizations of a street
// description_zh: 负责某街道或其下属区域的街道党工委、社区党组织、网格党支部、小区党支部和楼栋党小组，及其上级党组织。
// description_en: The street committee, community committees, grid and compound branches and building groups covering a street or its areas, with their parent organizations.
// param: street_id str =null
// columns: id, name, kind, parent_id, areas, members
MATCH (s:Street)
WHERE s.id = $street_id
MATCH (a:Area)-[:PART_OF*0..3]->(s)
WITH DISTINCT a
MATCH (o:PartyOrg)-[:COVERS]->(a)
WHERE o.kind IN ['street_committee', 'community_committee', 'grid_branch', 'compound_branch', 'building_group']
WITH DISTINCT o
OPTIONAL MATCH (o)-[:SUBORDINATE_TO]->(p:PartyOrg)
OPTIONAL MATCH (o)-[:COVERS]->(c:Area)
WITH o, p, collect(DISTINCT c.id) AS areas
RETURN o.id AS id, o.name AS name, o.kind AS kind, p.id AS parent_id, areas,
       size([(m:Member)-[:MEMBER_OF]->(o) | m]) AS members
