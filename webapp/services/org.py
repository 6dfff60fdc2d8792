"""Sites, teams, shift types and coverage requirements, with every change audited."""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import CoverageRequirement, Employee, ShiftType, Site, Team
from webapp.services import audit
from webapp.services.errors import NotFound, ServiceError
from webapp.site_settings import SETTINGS_BY_KEY, SettingError, parse_setting, to_stored

SITE_FIELDS = ("name", "timezone", "settings")
SHIFT_FIELDS = ("code", "name_zh", "name_en", "start", "end", "colour", "break_minutes")
COVERAGE_FIELDS = ("weekdays", "on_date", "from_minute", "to_minute", "minimum", "skill")

# S-1: the hospital call-center shifts of seed 000; together they cover 24 hours.
SEED_SHIFT_TYPES = (
    ("E", "早班", "Early", time(7, 30), time(16, 0), "#f2b134", 0),
    ("M", "中班", "Middle", time(13, 0), time(21, 0), "#4f9d69", 0),
    ("D", "白班", "Day", time(8, 0), time(17, 0), "#4f7cac", 60),
    ("N", "夜班", "Night", time(17, 0), time(7, 30), "#5b4b8a", 0),
)


def minutes_of_day(hhmm: str) -> int:
    """'07:30' → 450; '24:00' → 1440 (the end of a coverage window at midnight, S-2)."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def check_timezone(name: str) -> str:
    """A site's time zone must be an IANA name (A-1)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ServiceError(f"unknown time zone {name!r} (A-1)", field="timezone") from None
    return name


def get_site(session: Session, site_id: int) -> Site:
    """The site or NotFound."""
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound(f"site {site_id} does not exist", field="site")
    return site


def site_id_by_name(session: Session, name: str) -> int:
    """The id of the site called `name`, for commands that name a site; else NotFound."""
    site_id = session.scalar(select(Site.id).where(Site.name == name.strip()))
    if site_id is None:
        raise NotFound(f"site: no site called {name!r}", field="site")
    return site_id


def create_site(session: Session, actor: Employee | None, name: str, timezone: str) -> Site:
    """A new site starts with the S-1 shift types coded E, M, D, N."""
    name = name.strip()
    if not name:
        raise ServiceError("name is required", field="name")
    if session.scalar(select(Site).where(Site.name == name)):
        raise ServiceError(f"a site named {name!r} exists already", field="name")
    site = Site(name=name, timezone=check_timezone(timezone), settings={})
    for code, zh, en, start, end, colour, break_minutes in SEED_SHIFT_TYPES:
        site.shift_types.append(
            ShiftType(
                code=code,
                name_zh=zh,
                name_en=en,
                start=start,
                end=end,
                colour=colour,
                break_minutes=break_minutes,
            )
        )
    session.add(site)
    session.flush()
    audit.record(session, actor, "site.create", site, None, audit.snapshot(site, SITE_FIELDS))
    return site


def update_site(
    session: Session,
    actor: Employee,
    site_id: int,
    name: str,
    timezone: str,
    settings: dict[str, Any],
) -> Site:
    """Rename a site, change its zone and its settings; values are checked by their rule."""
    site = get_site(session, site_id)
    before = audit.snapshot(site, SITE_FIELDS)
    stored: dict[str, Any] = {}
    for key, raw in settings.items():
        spec = SETTINGS_BY_KEY.get(key)
        if spec is None:
            raise ServiceError(f"unknown setting {key!r}", field=key)
        try:
            value = parse_setting(spec, raw)
        except SettingError as error:
            raise ServiceError(str(error), field=key, rule=spec.rule) from None
        if value != spec.default:
            stored[key] = to_stored(value)
    clash = session.scalar(select(Site).where(Site.name == name.strip(), Site.id != site_id))
    if clash:
        raise ServiceError(f"a site named {name!r} exists already", field="name")
    site.name = name.strip()
    site.timezone = check_timezone(timezone)
    site.settings = stored
    audit.record(session, actor, "site.update", site, before, audit.snapshot(site, SITE_FIELDS))
    return site


def save_team(
    session: Session, actor: Employee | None, site_id: int, name: str, team_id: int | None = None
) -> Team:
    """Create a team, or rename one; names are unique within a site."""
    get_site(session, site_id)
    name = name.strip()
    if not name:
        raise ServiceError("name is required", field="name")
    clash = session.scalar(
        select(Team).where(Team.site_id == site_id, Team.name == name, Team.id != (team_id or 0))
    )
    if clash:
        raise ServiceError(f"the site has a team named {name!r} already", field="name")
    team = session.get(Team, team_id) if team_id else Team(site_id=site_id)
    if team is None:
        raise NotFound(f"team {team_id} does not exist", field="team")
    before = audit.snapshot(team, ("name", "site_id")) if team_id else None
    team.name, team.site_id = name, site_id
    session.add(team)
    session.flush()
    action = "team.update" if team_id else "team.create"
    audit.record(session, actor, action, team, before, audit.snapshot(team, ("name", "site_id")))
    return team


def save_shift_type(
    session: Session,
    actor: Employee,
    site_id: int,
    values: dict[str, Any],
    shift_type_id: int | None = None,
) -> ShiftType:
    """Create or change a shift type (S-1); codes are unique per site."""
    get_site(session, site_id)
    code = str(values["code"]).strip().upper()
    clash = session.scalar(
        select(ShiftType).where(
            ShiftType.site_id == site_id,
            ShiftType.code == code,
            ShiftType.id != (shift_type_id or 0),
        )
    )
    if clash:
        raise ServiceError(f"shift code {code!r} is used already (S-1)", field="code", rule="S-1")
    if values["start"] == values["end"]:
        raise ServiceError("a shift cannot end when it starts (S-1)", field="end", rule="S-1")
    shift = session.get(ShiftType, shift_type_id) if shift_type_id else ShiftType(site_id=site_id)
    if shift is None or shift.site_id != site_id:
        raise NotFound(f"shift type {shift_type_id} does not exist", field="shift_type")
    before = audit.snapshot(shift, SHIFT_FIELDS) if shift_type_id else None
    for field in SHIFT_FIELDS:
        setattr(shift, field, code if field == "code" else values[field])
    session.add(shift)
    session.flush()
    action = "shift_type.update" if shift_type_id else "shift_type.create"
    audit.record(session, actor, action, shift, before, audit.snapshot(shift, SHIFT_FIELDS))
    return shift


def add_coverage(
    session: Session,
    actor: Employee | None,
    site_id: int,
    *,
    weekdays: str | None,
    on_date: date | None,
    from_minute: int,
    to_minute: int,
    minimum: int,
    skill: str | None,
) -> CoverageRequirement:
    """Add a minimum-on-duty window for weekdays (0 = Monday) or one date (S-2, R-7)."""
    get_site(session, site_id)
    if (weekdays is None) == (on_date is None):
        raise ServiceError("give weekdays or a date, not both (S-2)", field="weekdays", rule="S-2")
    if weekdays is not None and (not weekdays or set(weekdays) - set("0123456")):
        raise ServiceError(
            "weekdays are digits 0 (Monday) to 6 (S-2)", field="weekdays", rule="S-2"
        )
    if not 0 <= from_minute < to_minute <= 1440:
        raise ServiceError(
            "the window must start before it ends, within the day (S-2)",
            field="to_minute",
            rule="S-2",
        )
    if minimum < 0:
        raise ServiceError("the minimum cannot be negative (S-2)", field="minimum", rule="S-2")
    requirement = CoverageRequirement(
        site_id=site_id,
        weekdays="".join(sorted(set(weekdays))) if weekdays else None,
        on_date=on_date,
        from_minute=from_minute,
        to_minute=to_minute,
        minimum=minimum,
        skill=(skill or "").strip() or None,
    )
    session.add(requirement)
    session.flush()
    audit.record(
        session,
        actor,
        "coverage.create",
        requirement,
        None,
        audit.snapshot(requirement, COVERAGE_FIELDS),
    )
    return requirement


def delete_coverage(session: Session, actor: Employee, site_id: int, requirement_id: int) -> None:
    """Remove one coverage window; the audit entry keeps what it was."""
    requirement = session.get(CoverageRequirement, requirement_id)
    if requirement is None or requirement.site_id != site_id:
        raise NotFound(f"coverage requirement {requirement_id} does not exist", field="coverage")
    audit.record(
        session,
        actor,
        "coverage.delete",
        requirement,
        audit.snapshot(requirement, COVERAGE_FIELDS),
        None,
    )
    session.delete(requirement)


def list_sites(session: Session) -> list[Site]:
    """Every site by name."""
    return list(session.scalars(select(Site).order_by(Site.name)))


def list_teams(session: Session, site_id: int | None = None) -> list[Team]:
    """Teams, of one site or all, by site and name."""
    query = select(Team).join(Site).order_by(Site.name, Team.name)
    if site_id is not None:
        query = query.where(Team.site_id == site_id)
    return list(session.scalars(query))


def get_team(session: Session, team_id: int) -> Team:
    """The team or NotFound."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} does not exist", field="team")
    return team


def get_shift_type(session: Session, site_id: int, shift_type_id: int) -> ShiftType:
    """A shift type of the site, or NotFound."""
    shift = session.get(ShiftType, shift_type_id)
    if shift is None or shift.site_id != site_id:
        raise NotFound(f"shift type {shift_type_id} does not exist", field="shift_type")
    return shift


def list_coverage(session: Session, site_id: int) -> list[CoverageRequirement]:
    """A site's coverage windows in the order a planner reads them."""
    return list(
        session.scalars(
            select(CoverageRequirement)
            .where(CoverageRequirement.site_id == site_id)
            .order_by(
                CoverageRequirement.on_date,
                CoverageRequirement.weekdays,
                CoverageRequirement.from_minute,
                CoverageRequirement.id,
            )
        )
    )
