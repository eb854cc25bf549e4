// id: reported_elsewhere
// kind: rule
// personal: name
// title_zh: 报到社区非居住地的在职党员
// title_en: In-service members who reported to a community other than their home
// description_zh: 在机关、事业单位、国有企业工作，或在“隶属层级”已填且不为“无”的单位工作的在职党员，已报到，但报到社区不是居住地所在社区；按居住地归属社区、街道。
// description_en: In-service members working at an agency, institution or state enterprise, or at a unit whose affiliation is set and not none, who reported to a community that is not the community of their home area; placed by their home area.
// source: 003 双报到; 2019 中办《关于组织动员在职党员到社区报到为群众服务的通知》（到居住地社区报到）
// severity: low
// remedy_zh: 核实居住地；确已迁居的，转到居住地社区报到。
// remedy_en: Check the home address; if it is current, have the member report to the home community instead.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LIVES_IN]-(x:Member {category: 'in_service'})-[:WORKS_AT]->(u:Unit)
WHERE u.kind IN ['agency', 'institution', 'state_enterprise'] OR coalesce(u.affiliation, 'none') <> 'none'
WITH DISTINCT s, c, x
MATCH (x)-[:REPORTED_TO]->(rc:Area)
WITH s, c, x, collect(DISTINCT rc) AS reported
WHERE NOT c IN reported
RETURN 'reported_elsewhere' AS rule, x.id AS id, x.name AS name, x.category AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '报到社区非居住地（已向' + head([r IN reported | r.name]) + '报到）' AS detail, '核实居住地；确已迁居的，转到居住地社区报到。' AS remedy
ORDER BY street_id, community_id, id
