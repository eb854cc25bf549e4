// id: evaluation_pair
// kind: view
// title_zh: 社区与驻区单位的共建双向评价
// title_en: Two-way co-building evaluations of a community and a unit
// description_zh: 社区党组织与该单位（或其党组织）共同签订的协议下，截至统计日的全部双向评价，最近的在前；评价方类型 community 为社区评单位，unit 为单位评社区。
// description_en: Every evaluation up to as_of under the agreements the community's party org and the unit (or its party org) signed together, latest first; side community: the community graded the unit, unit: the unit graded the community.
// source: 000 建立驻区单位和社区共驻共建责任双向评价机制
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: unit_id str =null
// columns: side, evaluation_id, agreement_id, agreement, period, evaluated_on, grade, score, comment, street_id, community_id
MATCH (u:Unit {id: $unit_id})<-[:BASED_IN*0..1]-(p)-[:PARTY_TO]->(ag:Agreement)
MATCH (ag)<-[:PARTY_TO]-(co:PartyOrg {kind: 'community_committee'})-[:COVERS]->(c:Community {id: $community_id})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH DISTINCT ag, c, s
WHERE $street_id IS NULL OR s.id = $street_id
MATCH (ag)<-[:UNDER]-(e:Evaluation)<-[:EVALUATED]-(w)
WHERE e.evaluated_on <= $as_of
RETURN CASE WHEN w.kind = 'community_committee' THEN 'community' ELSE 'unit' END AS side,
       e.id AS evaluation_id, ag.id AS agreement_id, ag.title AS agreement, e.period AS period,
       e.evaluated_on AS evaluated_on, e.grade AS grade, e.score AS score, e.comment AS comment,
       s.id AS street_id, c.id AS community_id
ORDER BY evaluated_on DESC, evaluation_id
