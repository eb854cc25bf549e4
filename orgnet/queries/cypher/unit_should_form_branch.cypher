// id: unit_should_form_branch
// kind: rule
// title_zh: 应建未建党支部的单位
// title_en: Units that should form a branch
// description_zh: 组织关系在本区（未填“组织关系所在地”）的正式党员不少于3名（政策设置 branch_min_formal；不论党员类别）在此工作，但没有本单位党组织（联合党支部不算）的单位；居委会（其党员属社区党组织）和派出所、警务室（其党员属派出所党支部）除外。
// description_en: Units where at least branch_min_formal (policy, default 3) formal members work (any category) whose 组织关系 is in this district (org_outside empty), with no party org of their own based in them (a joint branch does not count); residents' committees (their members belong to the community's organization) and police stations/posts (their officers belong to the station's branch) are never listed.
// source: 004 有3名以上正式党员…成立党支部
// severity: high
// remedy_zh: 按照“有正式党员3名以上的单位应成立党支部”，指导单位单独组建党支部。
// remedy_en: Guide the unit to form its own party branch (3 or more formal members).
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: branch_min_formal int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit)<-[:WORKS_AT]-(m:Member {status: 'formal'})
WHERE NOT x.kind IN ['residents_committee', 'police'] AND coalesce(m.org_outside, '') = ''
WITH s, c, x, count(DISTINCT m) AS formal
WHERE formal >= $branch_min_formal
OPTIONAL MATCH (x)<-[:BASED_IN]-(o:PartyOrg)
WITH s, c, x, formal,
     sum(CASE WHEN o.kind = 'joint_branch' THEN 1 ELSE 0 END) AS joint,
     sum(CASE WHEN o.kind <> 'joint_branch' THEN 1 ELSE 0 END) AS own
WHERE own = 0
RETURN 'unit_should_form_branch' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       toString(formal) + '名正式党员，' + CASE WHEN joint > 0 THEN '仅纳入联合党支部，未单独建立党支部' ELSE '未建党支部' END AS detail, '按照“有正式党员3名以上的单位应成立党支部”，指导单位单独组建党支部。' AS remedy
ORDER BY street_id, community_id, id
