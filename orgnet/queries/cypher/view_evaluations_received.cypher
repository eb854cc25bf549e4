// id: view_evaluations_received
// kind: view
// title_zh: 街道党工委、社区党组织收到的共建评价
// title_en: Evaluations received by street and community party organizations
// description_zh: 统计日及以前，驻区单位（或其党组织）对街道党工委、社区党组织作出的共建双向评价：评价编号、日期、等次、评价方、依据协议；按被评价组织负责的街道、社区归属。
// description_en: Evaluations up to as_of whose evaluatee is a street working committee or a community party organization (id, date, grade, evaluator, agreement), placed by the street or community the evaluated organization covers.
// source: 000 建立驻区单位和社区共驻共建责任双向评价机制
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: street_id, street, community_id, community, evaluation_id, evaluated_on, grade, evaluator, agreement
MATCH (e:Evaluation)-[:ASSESSES]->(o:PartyOrg)-[:COVERS]->(a:Area)
WHERE e.evaluated_on <= $as_of
  AND ((a:Community AND o.kind = 'community_committee') OR (a:Street AND o.kind = 'street_committee'))
OPTIONAL MATCH (a)-[:PART_OF]->(up:Street)
WITH e, a, CASE WHEN a:Street THEN a ELSE up END AS s, CASE WHEN a:Community THEN a ELSE null END AS c
WHERE ($street_id IS NULL OR s.id = $street_id) AND ($community_id IS NULL OR c.id = $community_id)
OPTIONAL MATCH (x)-[:EVALUATED]->(e)
OPTIONAL MATCH (e)-[:UNDER]->(g:Agreement)
RETURN s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community, e.id AS evaluation_id,
       e.evaluated_on AS evaluated_on, e.grade AS grade, x.name AS evaluator, g.title AS agreement
ORDER BY street_id, community_id, evaluated_on, evaluation_id
