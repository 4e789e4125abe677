"""Seeded generator of realistic-looking Chinese proposals for benchmarks (not for tuning: the wording is templated).

python bench/search/generate.py --n 200000 --out /tmp/proposals.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator

# unit -> (topics, problems, places, asks); each proposal mixes several phrases of its unit with shared filler.
BANKS: dict[str, dict[str, list[str]]] = {
    "市住房和城乡建设局": {
        "topic": [
            "老旧小区改造",
            "既有住宅加装电梯",
            "物业管理",
            "保障性租赁住房",
            "城中村改造",
            "海绵城市建设",
            "公共维修资金",
        ],
        "problem": [
            "外墙保温层脱落",
            "供水管网老化漏水",
            "楼道照明损坏",
            "六层住宅没有电梯",
            "物业费上涨但服务不到位",
            "回迁安置房墙体开裂",
            "暴雨后地下车库进水",
            "维修资金申请程序繁琐",
            "项目延期交付",
        ],
        "ask": [
            "纳入年度改造计划",
            "出台加装电梯协调办法",
            "加强物业服务考核",
            "增加保障房供给",
            "简化维修资金使用流程",
        ],
    },
    "市教育局": {
        "topic": ["学前教育", "课后服务", "义务教育均衡", "教师队伍建设", "职业教育", "校外培训监管", "心理健康教育"],
        "problem": [
            "公办幼儿园学位不足",
            "热点学校大班额",
            "课后服务内容单一",
            "乡村教师流失",
            "随迁子女入学难",
            "培训机构预收费后跑路",
            "学生心理问题增多",
            "职校实习岗位不对口",
        ],
        "ask": ["新建改扩建一批学校", "引入体育艺术课程", "提高乡村教师待遇", "配齐专职心理教师", "规范校外培训收费"],
    },
    "市卫生健康委员会": {
        "topic": ["分级诊疗", "家庭医生签约", "托育服务", "院前急救", "医养结合", "基层医疗卫生", "检查结果互认"],
        "problem": [
            "大医院挂号难排队长",
            "社区缺少儿科医生",
            "救护车到达时间长",
            "托位少价格高",
            "乡镇卫生院人才流失",
            "检查结果不互认重复收费",
            "家庭医生签约流于形式",
        ],
        "ask": ["增加基层医生编制", "推进检查结果互认", "发展普惠托育", "优化急救站点布局", "落实家庭医生上门服务"],
    },
    "市市场监督管理局": {
        "topic": ["食品安全", "预付卡消费", "直播带货", "计量监管", "电梯安全", "特种设备", "企业开办"],
        "problem": [
            "校园周边售卖三无食品",
            "健身房办卡后关门跑路",
            "直播虚假宣传",
            "农贸市场缺斤少两",
            "住宅电梯频繁困人",
            "外卖商家无证经营",
            "游乐设施缺少检验",
        ],
        "ask": ["加大抽检频次", "建立预付卡资金监管", "畅通消费投诉渠道", "严查计量作弊", "督促维保单位履责"],
    },
    "市交通运输局": {
        "topic": ["公交线网优化", "农村客运", "出租车管理", "地铁接驳", "农村公路养护", "慢行系统", "货车停车"],
        "problem": [
            "新建小区没有公交站",
            "高峰期公交间隔长",
            "村里客运班车停运",
            "出租车拒载绕路",
            "地铁站换乘距离远",
            "通村公路坑洼不平",
            "自行车道被占用",
            "货车只能停在路边",
        ],
        "ask": ["增设公交线路和站点", "加密高峰班次", "恢复农村客运班线", "严查出租车违规", "完善非机动车停放点"],
    },
    "市民政局": {
        "topic": ["社区养老", "老年助餐", "最低生活保障", "困境儿童保护", "养老护理员队伍", "殡葬改革", "社会组织管理"],
        "problem": [
            "老旧社区没有日间照料中心",
            "独居老人突发疾病无人知晓",
            "老年食堂价格偏高",
            "低保认定标准僵化",
            "留守儿童缺少监护",
            "护理员工资低流动大",
            "公墓价格上涨",
        ],
        "ask": ["建立定期探访制度", "扩大助餐点覆盖", "完善救助认定办法", "提高护理员待遇", "加强社会组织年检"],
    },
    "市生态环境局": {
        "topic": ["大气污染防治", "黑臭水体治理", "噪声污染", "餐饮油烟", "固体废物", "河道治理"],
        "problem": ["工地扬尘严重", "河道发黑发臭", "夜间施工噪声扰民", "楼下餐馆油烟扰民", "工业园区异味明显"],
        "ask": ["加强在线监测", "开展专项执法", "推进截污纳管", "督促安装油烟净化设施", "公开环境信息"],
    },
    "市城市管理局": {
        "topic": ["垃圾分类", "背街小巷整治", "占道经营", "停车管理", "市容环境", "路灯照明"],
        "problem": [
            "垃圾桶设置不合理",
            "背街小巷路面破损",
            "早市占道经营堵路",
            "小区周边停车难",
            "路灯长期不亮",
            "共享单车乱停放",
        ],
        "ask": ["优化分类投放点", "纳入背街小巷改造", "设置便民疏导点", "挖潜增设停车泊位", "及时维修路灯"],
    },
}
PLACES = [
    "金水区",
    "二七区",
    "中原区",
    "管城回族区",
    "惠济区",
    "郑东新区",
    "高新区",
    "经开区",
    "航空港区",
    "巩义市",
    "荥阳市",
    "新郑市",
    "中牟县",
    "某街道",
    "某社区",
    "城乡接合部",
    "老城区",
]
OPENERS = ["近年来，", "据调研了解，", "群众反映，", "在走访中发现，", "随着城市发展，", "当前，", "经调查，"]
FILLER = [
    "这一问题群众反映强烈，",
    "给居民生活带来不便，",
    "存在一定安全隐患，",
    "相关部门虽做了一些工作，但效果不明显，",
    "已成为群众急难愁盼的问题，",
    "影响了城市形象，",
    "基层干部也多次向上反映，",
    "部分群众多次拨打热线投诉，",
]
CLOSERS = ["建议相关部门高度重视，", "为此建议：", "建议如下：", "特提出以下建议：", "希望政府统筹解决，"]
TITLES = [
    "关于{topic}的建议",
    "关于加强{topic}工作的建议",
    "关于解决{problem}问题的建议",
    "{place}{problem}亟待解决",
    "关于推进{topic}的提案",
    "加快{topic}，{ask}",
]


# Real proposals name streets, communities, numbers and people; without such detail a corpus of 200k documents has
# only a few thousand distinct n-grams and every posting list is huge, which no real corpus looks like.
NAME_CHARS = (
    "文化建设人民解放经纬纬五纬四农业金水花园丰产未来东风南阳北林英才博学康宁桐柏兴华航海嵩山中州商城陇海"
    "淮河黄河长江伊河洛河汝河沙口红专银河杨金龙湖祭城圃田白沙弓庄刘寨姚桥柳林庙李燕庄八里石佛须水马寨"
    "绿城瑞丰锦艺春天秋实阳光和谐幸福安居乐业凤凰牡丹玉兰紫荆梧桐银杏枫杨青松翠竹明珠朝阳红星光明"
)
NAME_SUFFIX = ["路", "街", "大道", "社区", "小区", "村", "花园", "家园", "苑", "新村", "家属院", "街道", "巷"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
FACTS = [
    "{name}建于{year}年，现有住户{n}户，其中60岁以上老人约占{pct}%。",
    "{surname}女士家住{name}，她说{problem}已经{k}年了。",
    "仅{year}年，{name}周边就收到相关投诉{n}件。",
    "{name}与{name2}交叉口一带尤为突出，高峰时段{k}十分钟都难以通过。",
    "据{name}居委会统计，辖区约{n}人受到影响。",
    "{surname}先生在{name}经营小店{k}年，对此深有体会。",
]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(NAME_CHARS) for _ in range(rng.choice((2, 2, 3)))) + rng.choice(NAME_SUFFIX)


def _fact(rng: random.Random, problem: str) -> str:
    return rng.choice(FACTS).format(
        name=_name(rng),
        name2=_name(rng),
        year=rng.randint(1985, 2024),
        n=rng.randint(20, 5000),
        pct=rng.randint(10, 60),
        k=rng.randint(2, 9),
        surname=rng.choice(SURNAMES),
        problem=problem,
    )


def generate(n: int, seed: int = 20240301) -> Iterator[dict]:
    rng = random.Random(seed)
    units = list(BANKS)
    for i in range(n):
        unit = rng.choice(units)
        bank = BANKS[unit]
        topic, problem, ask = rng.choice(bank["topic"]), rng.choice(bank["problem"]), rng.choice(bank["ask"])
        place = rng.choice(PLACES)
        title = rng.choice(TITLES).format(topic=topic, problem=problem, ask=ask, place=place)
        sentences = [rng.choice(OPENERS) + f"{place}{rng.choice(bank['problem'])}，" + rng.choice(FILLER)]
        for _ in range(rng.randint(3, 14)):
            other = rng.choice(bank["problem"])
            if rng.random() < 0.5:
                sentences.append(_fact(rng, other))
            else:
                sentences.append(f"{rng.choice(PLACES)}一些地方{other}，{rng.choice(FILLER)}{rng.choice(FILLER)}")
        sentences.append(rng.choice(CLOSERS))
        for k in range(rng.randint(2, 4)):
            sentences.append(f"{'一二三四'[k]}是{rng.choice(bank['ask'])}，{rng.choice(bank['ask'])}。")
        body = "".join(sentences).replace("，。", "。")
        yield {"id": i, "title": title, "body": body, "label": unit}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20240301)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as fh:
        for doc in generate(args.n, args.seed):
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
