// id: resident_unit_without_agreement
// kind: rule
// title_zh: 无生效共建协议的驻区单位
// title_en: Resident units without an active agreement
// description_zh: 本单位或其党组织都不是任何生效共建协议签约方的驻区单位。
// description_en: Resident units that are not party (directly or through their party org) to an active agreement.
// source: 000, 003 共驻共建
// severity: high
// remedy_zh: 与所在社区党组织签订（或续签）共建协议，明确共建事项。
// remedy_en: Sign or renew a co-building agreement with the community's party organization.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit {resident: true})
OPTIONAL MATCH (x)-[:PARTY_TO]->(a1:Agreement)
WITH s, c, x, collect(DISTINCT a1) AS direct
OPTIONAL MATCH (x)<-[:BASED_IN]-(:PartyOrg)-[:PARTY_TO]->(a2:Agreement)
WITH s, c, x, direct, collect(DISTINCT a2) AS via
WITH s, c, x, direct + via AS agreements
WITH s, c, x, size(agreements) AS signed, size([a IN agreements WHERE a.status = 'active' AND (a.expires_on IS NULL OR a.expires_on >= $as_of)]) AS active
WHERE active = 0
RETURN 'resident_unit_without_agreement' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN signed > 0 THEN '共建协议均已到期或终止，无生效协议' ELSE '未签订共建协议' END AS detail, '与所在社区党组织签订（或续签）共建协议，明确共建事项。' AS remedy
ORDER BY street_id, community_id, id
