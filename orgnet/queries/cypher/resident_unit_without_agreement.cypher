// id: resident_unit_without_agreement
// kind: rule
// title_zh: 无生效共建协议的代表性驻区单位
// title_en: Representative resident units without an active agreement
// description_zh: 建有本单位党组织（联合党支部不算）、且为重点单位或职工人数不少于政策设置 representative_staff（默认300人）的驻区单位，本单位或其党组织都不是任何生效共建协议的签约方。
// description_en: Resident units with a party org of their own (a joint branch does not count) that are key units or have at least representative_staff staff (policy, default 300), not party (directly or through their party org) to an active agreement.
// source: 000, 003 共驻共建
// severity: medium
// remedy_zh: 与所在社区党组织签订（或续签）共建协议，明确共建事项。
// remedy_en: Sign or renew a co-building agreement with the community's party organization.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: representative_staff int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit {resident: true})<-[:BASED_IN]-(o:PartyOrg)
WHERE o.kind <> 'joint_branch'
  AND (coalesce(x.key_unit, false) OR coalesce(x.staff >= $representative_staff, false))
WITH DISTINCT s, c, x, coalesce(x.key_unit, false) AS key_unit
OPTIONAL MATCH (x)-[:PARTY_TO]->(a1:Agreement)
WITH s, c, x, key_unit, collect(DISTINCT a1) AS direct
OPTIONAL MATCH (x)<-[:BASED_IN]-(:PartyOrg)-[:PARTY_TO]->(a2:Agreement)
WITH s, c, x, key_unit, direct, collect(DISTINCT a2) AS via
WITH s, c, x, key_unit, direct + via AS agreements
WITH s, c, x, key_unit, size(agreements) AS signed, size([a IN agreements WHERE a.status = 'active' AND (a.expires_on IS NULL OR a.expires_on >= $as_of)]) AS active
WHERE active = 0
RETURN 'resident_unit_without_agreement' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN key_unit THEN '重点单位' ELSE '职工' + toString(x.staff) + '人' END + CASE WHEN signed > 0 THEN '，共建协议均已到期或终止，无生效协议' ELSE '，未签订共建协议' END AS detail, '与所在社区党组织签订（或续签）共建协议，明确共建事项。' AS remedy
ORDER BY street_id, community_id, id
