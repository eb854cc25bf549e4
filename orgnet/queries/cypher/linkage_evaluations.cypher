// id: linkage_evaluations
// kind: linkage
// title_zh: 单位在与社区所签协议下得到的双向评价
// title_en: Evaluations of units under agreements with a community
// description_zh: 对每个社区C与单位U：社区党组织为签约方的协议下，截至统计日对U（或U的党组织）的全部评价（评价编号、日期、等次）；联建评分表取最近一次（日期最晚，同日取编号最大者）。
// description_en: For every community C and unit U: every evaluation up to as_of of U (or of a party org based in U) under an agreement C's community party org is a party to (id, date, grade); the score sheet takes the latest (the latest date; on the same day the greatest id).
// source: 000 建立驻区单位和社区共驻共建责任双向评价机制
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, street_id, unit_id, evaluation_id, evaluated_on, grade
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (c)<-[:COVERS]-(o:PartyOrg)-[:PARTY_TO]->(:Agreement)<-[:UNDER]-(e:Evaluation)-[:ASSESSES]->()-[:BASED_IN*0..1]->(u:Unit)
WHERE o.kind = 'community_committee' AND e.evaluated_on <= $as_of
WITH DISTINCT c, st, u, e
RETURN c.id AS community_id, st.id AS street_id, u.id AS unit_id, e.id AS evaluation_id,
       e.evaluated_on AS evaluated_on, e.grade AS grade
