"""Photos and reports for the demo's portal. The photos are drawn at demo time with Pillow (a meeting hall, a
community room, a street after the work was done) with their caption on a banner, so nothing is downloaded and no
binary file is kept in the repository; the reports are written the way the conference's news pages write them.
Everything goes through the same services the staff pages use (content check, re-encoding, audit)."""

from __future__ import annotations

from datetime import datetime, time
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from xieshang.consultations import services
from xieshang.consultations.models import Article, Kind

FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
]
SIZE = (960, 600)


def _font(size: int):
    from PIL import ImageFont

    for path in FONT_CANDIDATES:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return None  # without a Chinese font the banner stays plain: the caption is on the page beneath the photo


def _person(draw, x, y, scale, colour):
    r = int(14 * scale)
    draw.ellipse([x - r, y - 3 * r, x + r, y - r], fill=(235, 200, 170))
    draw.rounded_rectangle([x - int(1.6 * r), y - r, x + int(1.6 * r), y + int(2.2 * r)], radius=r, fill=colour)


def _banner(draw, text, colour=(178, 34, 34)):
    w, _ = SIZE
    draw.rectangle([60, 30, w - 60, 100], fill=colour)
    font = _font(34)
    if font is not None:
        box = draw.textbbox((0, 0), text, font=font)
        draw.text(((w - (box[2] - box[0])) / 2, 45), text, font=font, fill=(255, 230, 150))


PALETTE = [(52, 84, 140), (40, 110, 90), (120, 70, 60), (80, 80, 90), (150, 110, 50), (60, 60, 120)]


def draw_photo(scene: str, banner: str, rng) -> ContentFile:
    """A JPEG of a meeting ("meeting"), a community room ("room") or a street after the work ("site")."""
    from PIL import Image, ImageDraw

    w, h = SIZE
    if scene == "site":
        img = Image.new("RGB", SIZE, (150, 190, 230))
        draw = ImageDraw.Draw(img)
        _draw_site(draw, banner, rng)
    else:
        img = Image.new("RGB", SIZE, (238, 232, 220) if scene == "room" else (246, 240, 228))
        draw = ImageDraw.Draw(img)
        draw.rectangle([0, h - 170, w, h], fill=(170, 120, 80))  # floor
        _banner(draw, banner)
        if scene == "meeting":
            _draw_meeting(draw, rng)
        else:
            _draw_room(draw, rng)
    out = BytesIO()
    img.save(out, format="JPEG", quality=82)
    return ContentFile(out.getvalue(), name="demo.jpg")


def _draw_site(draw, banner: str, rng) -> None:
    """A street after the work: buildings, the road, new street lamps, passers-by."""
    w, h = SIZE
    for i in range(6):  # buildings
        bx = 20 + i * 160 + rng.randint(-10, 10)
        top = rng.randint(140, 260)
        draw.rectangle([bx, top, bx + 130, h - 160], fill=rng.choice([(210, 200, 185), (190, 180, 170)]))
        for fy in range(top + 20, h - 180, 40):
            for fx in range(bx + 15, bx + 120, 35):
                draw.rectangle([fx, fy, fx + 18, fy + 22], fill=(120, 150, 180))
    draw.rectangle([0, h - 160, w, h], fill=(90, 90, 95))  # road
    for x in range(40, w, 180):  # new street lamps
        draw.rectangle([x, h - 330, x + 8, h - 160], fill=(60, 60, 60))
        draw.ellipse([x - 14, h - 350, x + 22, h - 320], fill=(255, 240, 170))
    for _ in range(5):
        _person(draw, rng.randint(60, w - 60), h - 60, 1.4, rng.choice(PALETTE))
    _banner(draw, banner, colour=(30, 100, 60))


def _draw_meeting(draw, rng) -> None:
    """The rostrum and the members in rows facing it."""
    w, _h = SIZE
    draw.rectangle([120, 150, w - 120, 175], fill=(120, 40, 40))  # rostrum
    for i in range(7):
        _person(draw, 170 + i * 105, 150, 0.9, (40, 40, 50))
    for row in range(3):  # members in rows facing the rostrum
        y = 300 + row * 95
        draw.rectangle([60, y + 25, w - 60, y + 40], fill=(140, 90, 60))
        for i in range(10):
            _person(draw, 100 + i * 85 + rng.randint(-6, 6), y, 1.0, rng.choice(PALETTE))


def _draw_room(draw, rng) -> None:
    """The round table of a community room and the outcome list on its board."""
    w, _h = SIZE
    draw.ellipse([250, 300, w - 250, 470], fill=(150, 100, 60))  # the round table of the room
    for i in range(9):
        x = 230 + i * 62
        _person(draw, x, 300 if i % 2 else 470, 1.1, rng.choice(PALETTE))
    draw.rectangle([w - 220, 130, w - 70, 250], fill=(255, 255, 255), outline=(120, 120, 120), width=3)
    for k in range(4):  # the outcome list on the board
        draw.line([w - 205, 150 + k * 25, w - 85, 150 + k * 25], fill=(90, 90, 90), width=3)


def consultation_article(c) -> tuple[str, str]:
    when = f"{c.planned_date.month}月{c.planned_date.day}日"
    kind = c.get_kind_display()
    if c.kind == Kind.CROSS_REGION:
        title = f"郑开新焦许五市政协联合开展跨区域协商：{c.title}"
        opening = (
            f"{when}，郑州、开封、新乡、焦作、许昌五市政协围绕“{c.title}”联合开展跨区域协商。"
            "五市政协主席会议成员、部分委员和有关部门负责同志参加，会议采取主会场与分会场视频连线方式进行。"
        )
    elif c.kind == Kind.ONLINE:
        title = f"市政协开展网络议政：{c.title}"
        opening = (
            f"{when}，市政协以远程协商方式开展网络议政，围绕“{c.title}”听取意见建议。"
            "委员们通过视频连线和网络议政平台在线发言、提问，有关部门负责同志在线回应。"
        )
    else:
        title = f"市政协召开{kind}，聚焦“{c.title}”"
        opening = (
            f"{when}，市政协召开{kind}，围绕“{c.title}”协商议政。"
            "市政府有关部门负责同志通报工作情况，并现场回答委员提问。"
        )
    body = "\n\n".join(
        [
            opening,
            "会前，市政协有关专门委员会组织委员深入社区、企业和项目一线开展专题调研，召开座谈会听取基层群众"
            "和界别群众意见，形成调研报告。",
            "会上，委员们紧扣主题，从完善政策体系、加强部门协同、保障资金投入、强化督促落实等方面提出意见建议。"
            "大家认为，要坚持问题导向，把群众满意度作为检验工作成效的重要标准。",
            "会议指出，要认真梳理委员们提出的意见建议，形成协商纪要和建议案，按程序报送市委、市政府，"
            "并持续跟踪落实情况，推动协商成果转化为工作实效。",
        ]
    )
    return title, body


def room_article(room, topic) -> tuple[str, str]:
    title = f"{room.community.name}：“有事好商量”解决{topic.title}"
    body = "\n\n".join(
        [
            f"近日，{room.name}就“{topic.title}”召开协商议事会。社区居民代表、政协委员、"
            "物业服务企业和有关部门工作人员围坐一桌，面对面商量解决办法。",
            f"议题由居民提出后，得到不少邻居支持。召集人会前走访了受影响的住户，并通过线上意见征集了解大家的看法。"
            f"{topic.body}",
            "经过充分协商，各方就整改措施、责任分工和完成时限达成一致，形成协商成果清单，在社区公示栏和"
            "《郑在协商》平台同步公开，居民可以随时查看落实进度。",
            "目前，清单事项已全部落实，居民们在平台上对落实效果进行了评价。“有事好商量，大家的事大家商量着办，"
            "心里踏实。”一位参加协商的居民说。",
        ]
    )
    return title, body


def _backdate(article: Article, day) -> None:
    at = timezone.make_aware(datetime.combine(day, time(17, 30)))
    Article.objects.filter(pk=article.pk).update(published_at=at, updated_at=at)


def build(ctx, consultations, rooms, staff) -> tuple[int, int]:
    """Reports and photos for held consultations and rooms with a finished matter. Returns (articles, photos)."""
    rng = ctx.rng
    n_articles = n_photos = 0
    for c in consultations:
        if c.state.key not in ("held", "reported", "closed") or not c.is_public:
            continue
        title, body = consultation_article(c)
        _backdate(services.article_create(actor=staff, parent=c, title=title, body=body), c.planned_date)
        n_articles += 1
        shots = [
            ("meeting", f"{c.get_kind_display()}现场", f"{c.get_kind_display()}现场，委员们认真听取情况通报"),
            ("meeting", "委员发言", f"委员围绕“{c.title[:16]}”发言"),
        ]
        for scene, banner, caption in shots:
            services.photo_add(
                actor=staff,
                parent=c,
                image=draw_photo(scene, banner, rng),
                alt_text=f"会场全景：主席台上有七人就座，台下三排委员面向主席台，横幅写着“{banner}”",
                caption=caption,
            )
            n_photos += 1
    for room, topic in rooms:
        title, body = room_article(room, topic)
        _backdate(services.article_create(actor=staff, parent=room, title=title, body=body), timezone.localdate())
        n_articles += 1
        services.photo_add(
            actor=staff,
            parent=room,
            image=draw_photo("room", "有事好商量", rng),
            alt_text="居民代表、委员和部门工作人员围坐圆桌协商，墙边白板上列着成果清单",
            caption=f"{room.community.name}居民围绕“{topic.title}”协商议事",
        )
        services.photo_add(
            actor=staff,
            parent=room,
            image=draw_photo("site", "为民办实事", rng),
            alt_text="整治后的街道：新装的路灯排列整齐，居民在路边散步",
            caption=f"“{topic.title}”落实后的现场",
        )
        n_photos += 2
    return n_articles, n_photos
