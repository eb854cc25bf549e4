"""Areas (district → street → community → grid / compound → building) and the party
organizations that cover them (street working committees, community committees, grid and
compound branches, building party groups)."""

from __future__ import annotations

from orgnet.model import AreaLevel, OrgKind
from orgnet.synthetic import names as N
from orgnet.synthetic.base import GeneratorBase
from orgnet.synthetic.common import _exact, _o, _split
from orgnet.synthetic.shapes import SPARSE_BUILDINGS, SPARSE_WEIGHT, _Comm


class AreaPlan(GeneratorBase):
    """Plans the territory and its area party organizations."""

    # -- plan: areas ----------------------------------------------------------
    def plan_areas(self) -> None:
        p, rng = self.p, self.rng
        self.area_rows: list[tuple] = []
        self.district_ids = []
        for name in p.districts:
            aid = self.nid("A")
            self.district_ids.append(aid)
            self.area_rows.append((aid, name, AreaLevel.district, None, None))

        # streets
        names = [s if s.endswith("街道") else s + "街道" for s in p.street_names]
        pool = [s + "街道" for s in N.CHENGDU_STREETS] if not p.street_names else []
        pool += [s + "街道" for s in rng.sample(self.places, len(self.places))]
        for s in pool:
            if len(names) >= p.streets:
                break
            if s not in names:
                names.append(s)
        per_district = _split(rng, p.streets, len(p.districts), lo=1, spread=0.3)
        self.street_ids: list[str] = []
        self.street_names: list[str] = []
        self.street_district: list[int] = []
        self.street_comms: list[list[int]] = []
        k = 0
        for d, count in enumerate(per_district):
            for _ in range(count):
                aid = self.nid("A")
                self.street_ids.append(aid)
                self.street_names.append(names[k])
                self.street_district.append(d)
                self.street_comms.append([])
                self.area_rows.append((aid, names[k], AreaLevel.street, self.district_ids[d], None))
                k += 1

        # communities
        per_street = _split(rng, p.communities, p.streets, lo=2, spread=0.35)
        cnames = list(p.community_names)
        used = dict.fromkeys(cnames)
        for name in rng.sample(self.places, len(self.places)):
            if len(cnames) >= p.communities:
                break
            if name not in used:
                used[name] = None
                cnames.append(name)
        while len(cnames) < p.communities:  # only if the pool ran out
            cnames.append(f"{rng.choice(self.places)}{len(cnames)}")
        if isinstance(p.compounds, int):
            compounds = _split(rng, p.compounds, p.communities, lo=1, spread=0.6)
        else:
            compounds = [rng.randint(*p.compounds) for _ in range(p.communities)]

        self.comms: list[_Comm] = []
        self.g_id: list[str] = []
        self.g_name: list[str] = []
        self.g_comm: list[int] = []
        self.c_id: list[str] = []
        self.c_name: list[str] = []
        self.c_comm: list[int] = []
        self.c_buildings: list[list[int]] = []
        self.b_id: list[str] = []
        self.b_name: list[str] = []
        self.b_grid: list[int] = []
        self.b_comp: list[int | None] = []
        ci = 0
        area_names: dict[int, dict[str, None]] = {}
        for s, count in enumerate(per_street):
            for _ in range(count):
                cid = self.nid("A")
                c = _Comm(ci, cid, cnames[ci] + "社区", s)
                self.comms.append(c)
                self.street_comms[s].append(ci)
                self.area_rows.append((cid, c.name, AreaLevel.community, self.street_ids[s], None))
                for g in range(rng.randint(*p.grids_per_community)):
                    gid = self.nid("A")
                    c.grids.append(len(self.g_id))
                    self.g_id.append(gid)
                    self.g_name.append(f"{c.name}第{N.cn_number(g + 1)}网格")
                    self.g_comm.append(ci)
                    self.area_rows.append((gid, self.g_name[-1], AreaLevel.grid, cid, None))
                # compound and street-address building names: unique within the district
                seen = area_names.setdefault(self.street_district[s], {})
                for _ in range(compounds[ci]):
                    for _try in range(200):
                        nm = rng.choice(self.places) + rng.choice(N.COMPOUND_SUFFIXES)
                        if nm not in seen and nm[-1] != nm[-2]:  # never 桂苑苑
                            break
                    seen[nm] = None
                    kid = self.nid("A")
                    c.compounds.append(len(self.c_id))
                    self.c_id.append(kid)
                    self.c_name.append(nm)
                    self.c_comm.append(ci)
                    self.c_buildings.append([])
                    self.area_rows.append((kid, nm, AreaLevel.compound, cid, None))
                for gi in c.grids:
                    for _ in range(rng.randint(*p.buildings_per_grid)):
                        bid = self.nid("A")
                        comp = None
                        if c.compounds and rng.random() < p.building_in_compound:
                            comp = rng.choice(c.compounds)
                        bi = len(self.b_id)
                        if comp is not None:
                            self.c_buildings[comp].append(bi)
                            bname = f"{self.c_name[comp]}{len(self.c_buildings[comp])}号楼"
                        else:
                            for _try in range(200):
                                bname = f"{rng.choice(self.places)}路{rng.randint(1, 199)}号楼"
                                if bname not in seen:
                                    break
                            seen[bname] = None
                        c.buildings.append(bi)
                        self.b_id.append(bid)
                        self.b_name.append(bname)
                        self.b_grid.append(gi)
                        self.b_comp.append(comp)
                        self.area_rows.append((bid, bname, AreaLevel.building, self.g_id[gi],
                                               None if comp is None else self.c_id[comp]))
                ci += 1
        # a few buildings have hardly any members living there (new, commercial, mostly rented)
        self.b_sparse = [rng.random() < SPARSE_BUILDINGS for _ in self.b_id]
        for c in self.comms:
            acc = 0.0
            for bi in c.buildings:
                acc += SPARSE_WEIGHT if self.b_sparse[bi] else 1.0
                c.bcum.append(acc)

    # -- plan: area party orgs -----------------------------------------------
    def _org(self, kind: OrgKind, name: str, parent: str | None, areas: list[str],
             units: list[str], est: str, comm: int | None, street: int) -> str:
        oid = self.nid("O")
        self.org_rows.append((oid, name, kind, parent, areas, units, est))
        self.org_kind[oid] = kind
        self.org_comm[oid] = comm
        self.org_street[oid] = street
        self.org_est[oid] = est
        return oid

    def plan_area_orgs(self) -> None:
        p, rng = self.p, self.rng
        self.org_rows: list[tuple] = []
        self.org_kind: dict[str, OrgKind] = {}
        self.org_comm: dict[str, int | None] = {}
        self.org_street: dict[str, int] = {}
        self.org_est: dict[str, str] = {}
        self.street_org: list[str] = []
        for s, name in enumerate(self.street_names):
            self.street_org.append(self._org(
                OrgKind.street_committee, f"中共{p.city}{p.districts[self.street_district[s]]}"
                f"{name}工作委员会", None, [self.street_ids[s]], [],
                self.date(_o("1996-01-01"), _o("2012-12-31")), None, s))
        missing = set(rng.sample(range(len(self.comms)), p.communities_without_committee))
        for c in self.comms:
            if c.idx in missing:
                continue
            # the name's ending follows its size once the members are written (write_party_orgs)
            c.org = self._org(OrgKind.community_committee, f"中共{c.name}党委",
                              self.street_org[c.street], [c.id], [],
                              self.date(_o("2000-01-01"), _o("2019-12-31")), c.idx, c.street)

        def pick(spec: int | float, n: int, among: list[int] | None = None) -> list[int]:
            return sorted(rng.sample(range(n) if among is None else among, _exact(rng, spec, n)))

        self.g_branch: list[str | None] = [None] * len(self.g_id)
        for gi in pick(p.grid_branches, len(self.g_id)):
            c = self.comms[self.g_comm[gi]]
            self.g_branch[gi] = self._org(
                OrgKind.grid_branch, f"{self.g_name[gi]}党支部", c.org or self.street_org[c.street],
                [self.g_id[gi]], [], self.date(_o("2016-01-01"), _o("2024-12-31")), c.idx, c.street)
        self.c_branch: list[str | None] = [None] * len(self.c_id)
        for ki in pick(p.compound_branches, len(self.c_id)):
            c = self.comms[self.c_comm[ki]]
            self.c_branch[ki] = self._org(
                OrgKind.compound_branch, f"{self.c_name[ki]}党支部", c.org or self.street_org[c.street],
                [self.c_id[ki]], [], self.date(_o("2017-01-01"), _o("2025-06-30")), c.idx, c.street)
        self.b_group: dict[int, str] = {}
        #: the branch a building's party group belongs to: its members' 组织关系 are there
        self.b_group_parent: dict[int, str] = {}
        dense = [bi for bi, sparse in enumerate(self.b_sparse) if not sparse]
        for bi in pick(p.building_groups, len(self.b_id), dense):
            gi, comp = self.b_grid[bi], self.b_comp[bi]
            c = self.comms[self.g_comm[gi]]
            parent = (self.g_branch[gi] or (self.c_branch[comp] if comp is not None else None)
                      or c.org or self.street_org[c.street])
            bname = self.b_name[bi]
            self.b_group[bi] = self._org(
                OrgKind.building_group, f"{bname}党小组", parent, [self.b_id[bi]], [],
                self.date(_o("2018-01-01"), _o("2025-12-31")), c.idx, c.street)
            self.b_group_parent[bi] = parent
