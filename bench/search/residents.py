"""Seeded generator of a labelled development corpus of residents' messages (留言) in the 7 first-level categories of
city government message boards, and of labelled duplicate pairs.

    .venv/bin/python bench/search/residents.py   # writes bench/search/data/residents.csv, residents_pairs.jsonl
    .venv/bin/python bench/search/residents.py --seed 7 --out /tmp/x   # another draw, elsewhere

Origin and licence: every text is produced by this script from the phrase banks below, written for Xieshang (no
real message, no personal data; place names are invented or anonymised as 西地省 A市 A1区, like public contest
data). Licence: the project's own (AGPL-3.0-or-later).

Messages are written the way residents write, not as clean demo prose: greetings and self-introductions, addresses,
dates, run-on sentences joined by commas, repeated punctuation, homophone typos (在/再, 的/得, 部门/部们), side
remarks about another topic (about one message in four carries a sentence from another category), and vocabulary
shared across categories (小区, 开发商, 学校, 噪音, 收费, 补贴) so that no single word decides the label. A small share
of messages (label noise, ~2%) carries a label that an annotator could defend but is not the dominant topic, as in
real annotated data.

Duplicate pairs: a *matter* is one concrete problem at one place (a pothole on 枫林路 at the 润和小区 gate). A
positive pair is two messages about the same matter written independently (different residents: other templates,
other phrasing of the problem, the place named more or less fully). A hard negative is the same kind of problem
(same category, same problem type, often the same district) at another place. An easy negative is two messages of
different categories.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

CATEGORIES = ["城乡建设", "劳动和社会保障", "教育文体", "卫生计生", "交通运输", "商贸旅游", "环境保护"]
# Roughly the shares of the public 2020 message-board data (城乡建设 most, 交通运输 least).
SHARES = {
    "城乡建设": 0.22,
    "劳动和社会保障": 0.21,
    "教育文体": 0.17,
    "商贸旅游": 0.13,
    "环境保护": 0.10,
    "卫生计生": 0.10,
    "交通运输": 0.07,
}

# Problem types per category; each is a list of ways residents put it. {p} = the place, {n} = a number, {d} = a date,
# {c} = a company or organisation name, {s} = a school / hospital / station name.
PROBLEMS: dict[str, dict[str, list[str]]] = {
    "城乡建设": {
        "加装电梯": [
            "我们是{p}的老住户，六楼七楼住的都是老人，想加装电梯但是一直批不下来",
            "{p}老旧小区加装电梯的事情申请了{n}个月了，低层住户不同意就卡住了，规划审批也没有下文",
            "请问{p}加装电梯的补贴政策怎么申请，住建那边说要全体业主签字",
        ],
        "物业": [
            "{p}物业公司{c}服务太差，收了物业费不办事，楼道灯坏了{n}个月没人修",
            "{p}的物业擅自涨物业费，从每平米{n}毛涨到一块多，业主委员会也不管",
            "{p}物业把小区公共车位拿去卖钱，公共收益从来不公示",
            "我们{p}业主想换物业公司，业委会选举被物业阻挠，街道也不出面",
        ],
        "房屋质量": [
            "{p}交房才{n}年，外墙瓷砖大面积脱落，楼下走路都怕砸到人，开发商不管",
            "{p}的房子墙体开裂，卫生间渗水到楼下，找开发商{c}维修一直推脱",
            "{p}新房交付的时候地下室漏水，承诺的绿化和会所都没有兑现，开发商虚假宣传",
        ],
        "办证": [
            "{p}买房都{n}年了还办不下来不动产证，开发商{c}说是土地款没交清",
            "{p}的房产证一直办不了，听说是开发商抵押了，我们购房户怎么办",
            "{p}回迁安置房交了钱{n}年了还没有产权证，孩子上学落户都受影响",
        ],
        "拆迁安置": [
            "{p}征收拆迁补偿标准太低，和隔壁项目差了一倍，安置房也迟迟不开工",
            "我家在{p}被拆迁了，过渡费已经停发{n}个月，安置房说好{d}交房到现在没影",
            "{p}棚户区改造说了好几年了，房子漏雨没法住，什么时候能启动征收",
        ],
        "违章建筑": [
            "{p}有业主在楼顶搭建违章建筑，搭了一整层，举报给城管{n}次了没人来拆",
            "{p}一楼住户私自把院子围起来扩建，占用公共绿地，影响消防通道",
            "{p}旁边有人违法占地建房，村里也不管，请执法部门查处",
        ],
        "供水供气": [
            "{p}已经停水{n}天了，没有任何通知，自来水公司电话打不通",
            "{p}水压太低，五楼以上白天都没水，二次供水设施年久失修",
            "{p}天然气管道一直没有通，开发商说是燃气公司的问题，燃气公司又说是开发商没交开户费",
            "{p}冬天暖气不热，室温才{n}度，交了供暖费却没有效果",
        ],
        "市政设施": [
            "{p}路灯坏了一大片，晚上黑灯瞎火的，下水道井盖也丢了，很危险",
            "{p}的雨污管网没有分流，一下雨污水就漫到路面上",
            "{p}小区外面的道路挖开了{n}个月没有恢复，施工方也找不到人",
        ],
        "公积金": [
            "我在{p}买的房，想用住房公积金贷款，公积金中心说开发商没有备案不能贷",
            "{p}的公积金提取手续太麻烦，跑了{n}趟都没办下来",
        ],
    },
    "劳动和社会保障": {
        "欠薪": [
            "我在{p}的{c}工地干了{n}个月，老板拖欠工资不给，包工头也跑了，恳请领导帮帮我们农民工",
            "{c}拖欠我们{n}多名员工{n}个月的工资，劳动监察投诉了也没有结果",
            "年底了{c}还欠着我们工资，去{p}劳动监察大队反映说让我们去仲裁",
        ],
        "社保缴纳": [
            "{c}不给员工缴纳社保，入职{n}年了一直没买五险一金，请问怎么维权",
            "公司{c}按最低基数给我们交社保，和实际工资差很多，退休以后怎么办",
            "我之前在{p}交的社保怎么转移到现在的城市，社保局说要纸质材料跑好几次",
        ],
        "养老退休": [
            "我是{d}出生的，在{c}工作了{n}年，办理退休的时候说档案里出生日期对不上不能退",
            "{p}的退休人员养老金调整为什么我们企业退休的比事业单位的低这么多",
            "我父亲是老民办教师，工龄认定的问题一直没解决，养老金一直没法领",
            "被征地农民养老保险什么时候能落实，{p}的村民都在等",
        ],
        "医保报销": [
            "在外地住院的医疗费回来报销，{p}医保局说异地就医备案没做不给报",
            "城乡居民医保今年又涨了，一个人{n}块，农村家里五六口人交不起",
            "{p}的医保卡在药店刷不了，说是系统升级，已经{n}天了",
        ],
        "失业就业": [
            "我是{d}的毕业生，想问问{p}的就业补贴和创业担保贷款怎么申请",
            "被{c}辞退了，没有任何补偿，失业保险金怎么领取",
            "{p}的公益性岗位招聘是不是内定的，报名了{n}次都没消息",
        ],
        "劳动合同": [
            "{c}入职不签劳动合同，试用期{n}个月不给转正，加班也没有加班费",
            "公司{c}强迫员工自愿离职，不给经济补偿，还扣押了我的毕业证",
            "{c}每天让我们工作十二个小时，一个月只休息两天，违反劳动法",
        ],
        "工伤": [
            "我在{c}上班的时候手被机器压伤了，公司不给申报工伤，也不给医药费",
            "工伤认定已经下来了{n}个月，{c}就是不赔偿，劳动仲裁要排很久",
        ],
        "低保救助": [
            "我家在{p}，丈夫重病常年吃药，孩子还在读书，申请低保被村里拒绝了",
            "{p}的低保评定不公平，有车有房的也在吃低保，真正困难的反而没有",
            "残疾人两项补贴申请了{n}个月还没有发放，{p}民政所说在审核",
        ],
        "人才政策": [
            "我是硕士研究生，{d}落户{p}，人才购房补贴和生活补贴申请了一直没到账",
            "{p}的人才引进政策说有租房补贴，申请的时候又说社保要交满{n}个月",
        ],
    },
    "教育文体": {
        "入学学位": [
            "我家住在{p}，按学区应该上{s}，结果今年说学位不够要调剂到很远的学校",
            "{p}新建小区没有配套小学，孩子上学要跑{n}公里，什么时候能建学校",
            "外地务工人员子女在{p}入学要提供的材料太多，社保满{n}年还不让报名",
        ],
        "学校收费": [
            "{s}要求学生统一订购校服和教辅资料，一学期收{n}多块，这合理吗",
            "{s}变相收取补课费，周末强制补课每人{n}元，老师说不来就跟不上",
            "{s}的课后服务费收了却没有实际的课后服务，就是让孩子自习",
        ],
        "教师问题": [
            "{s}的老师体罚学生，我家孩子被罚站了一上午还被打了手心",
            "{s}有老师在外面开辅导班，暗示学生去上课，不去就在班上冷落",
            "我们是{p}的乡村教师，乡村教师补贴{n}年没有发了",
            "{p}特岗教师转正后工资待遇一直没落实，编制问题也没解决",
        ],
        "校外培训": [
            "{c}培训机构收了{n}万学费后关门跑路了，家长们的钱怎么退",
            "{p}有很多无证的托管班和补习班，消防条件很差，孩子在里面不安全",
        ],
        "幼儿园": [
            "{p}的公办幼儿园太少了，私立幼儿园一个月收费{n}元，普通家庭负担不起",
            "{s}幼儿园的伙食很差，孩子回来说吃不饱，收费还年年涨",
        ],
        "文体设施": [
            "{p}附近没有一个像样的体育场和健身场所，晚上大家只能在马路上跳广场舞",
            "{p}的图书馆开放时间太短，周末人满为患，希望延长开放时间",
            "{p}公园的健身器材坏了{n}个月没人维修，老人锻炼很危险",
            "{p}的体育馆对外开放收费太贵，学校操场周末也不让进",
        ],
        "考试招生": [
            "今年中考体育考试的评分标准有问题，{s}的孩子普遍分数偏低",
            "{s}高考报名的时候户籍和学籍不一致，说不能在本地参加高考",
            "{p}的学校招生划片不公平，同一个小区一半划到{s}一半划到别的学校",
        ],
        "校园安全": [
            "{s}门口上下学时段交通混乱，小商贩堵在校门口卖三无食品",
            "{s}的食堂饭菜不卫生，有孩子吃了拉肚子，学校还瞒着不说",
            "{s}的教学楼是危房，墙皮掉落，希望尽快维修加固",
        ],
    },
    "卫生计生": {
        "看病难": [
            "{s}挂号太难了，凌晨排队都挂不上专家号，网上预约一放号就没了",
            "{s}的医生态度恶劣，看病不到两分钟就让去做一堆检查",
            "{p}的社区卫生服务中心药品太少，很多慢性病的药都开不到",
        ],
        "医疗收费": [
            "{s}乱收费，住院{n}天收了我们好几万，清单里有很多没用过的药",
            "{s}的检查费太贵了，做了重复检查，医保也报不了多少",
        ],
        "医疗纠纷": [
            "我母亲在{s}做手术后出现感染，医院推卸责任，医疗事故鉴定一直拖着",
            "{s}误诊导致我孩子病情加重，医院拒绝提供病历",
        ],
        "计划生育": [
            "二孩生育服务登记在{p}怎么办理，街道计生办说要回户籍地",
            "我是独生子女父母，{p}的独生子女奖励扶助金{n}年没发了",
            "计划生育特殊家庭的扶助标准能不能提高，失独老人生活很困难",
            "{d}之前违反计划生育被开除的，现在能不能恢复工作或者给予补偿",
        ],
        "疫苗防疫": [
            "{p}社区医院的九价疫苗一直约不到，说是没有货，私立医院却有",
            "孩子在{s}打疫苗排队要{n}个小时，接种点太少了",
            "{p}出现了几例手足口病，幼儿园也没有消毒，希望疾控部门关注",
        ],
        "药店诊所": [
            "{p}有一家无证诊所在给人打吊针，出过事了还在营业",
            "{p}的药店卖处方药不要处方，还有过期药品在卖",
            "{c}的保健品冒充药品卖给老人，一盒{n}块，说能治百病",
        ],
        "出生证明": [
            "孩子在{s}出生的，出生医学证明上名字写错了，医院说要重新开证明很麻烦",
            "在外地生的孩子回{p}上户口，要出生医学证明和结婚证，补办很难",
        ],
        "医护待遇": [
            "我是{s}的合同制护士，同工不同酬，工资只有在编的一半",
            "{p}的乡村医生养老待遇没有保障，干了{n}年退下来什么都没有",
        ],
    },
    "交通运输": {
        "公交线路": [
            "{p}附近没有公交车，上班要走{n}多分钟到站台，希望增开一条公交线路",
            "{n}路公交车班次太少了，早高峰等半个小时都来不了一趟，车上挤得要命",
            "{n}路公交司机开车太猛，急刹车把老人摔倒了，还不停站",
            "{p}公交站台没有遮雨棚，下雨天只能淋着等车",
        ],
        "出租网约车": [
            "{p}的出租车拒载绕路，火车站那边司机不打表一口价{n}块",
            "网约车平台{c}的司机开黑车，车辆和登记的不一致，出了事找谁",
            "{p}高铁站的黑车拉客太猖獗，出站口就有人拉着不放",
        ],
        "道路拥堵": [
            "{p}路口红绿灯时间设置不合理，早晚高峰堵成一锅粥",
            "{p}这条路太窄，双向两车道，每天堵车{n}分钟以上，希望拓宽改造",
            "{p}的高速出口每到节假日堵几公里，收费站通道开得太少",
        ],
        "停车": [
            "{p}周边停车太难，路边停车位收费{n}元一小时，还经常被贴罚单",
            "{p}的停车场乱收费，说好的免费停车现在按次收费",
        ],
        "驾驶证车管": [
            "驾照到期换证，{p}车管所说要本人回户籍地，能不能异地办理",
            "我的车在{p}被违章拍照了，可是那天车根本没开出去，套牌车怎么处理",
            "{c}驾校收了学费迟迟不安排练车和考试，报名{n}个月了还没考科目二",
        ],
        "客运货运": [
            "{p}客运站到县城的班车停运了，农村老人出行太不方便",
            "{c}物流货车超载严重，把{p}的乡村公路都压坏了",
            "{p}的渡口船只老旧，没有救生衣，过河很危险",
        ],
        "公路桥梁": [
            "{p}通村公路坑坑洼洼，下雨天车都开不进来，希望尽快硬化",
            "{p}的桥梁出现裂缝，大货车照样通行，随时可能出事",
        ],
        "地铁": [
            "地铁{n}号线什么时候能延伸到{p}，现在进城要转两次车",
            "地铁站{p}出口太少，早高峰进站排队{n}分钟",
        ],
    },
    "商贸旅游": {
        "消费欺诈": [
            "我在{c}买的手机用了{n}天就坏了，商家不给退换，还说是人为损坏",
            "{c}的充值卡说好终身有效，现在店铺关门了，卡里还有{n}多块钱退不了",
            "{c}搞促销先涨价后打折，欺骗消费者",
            "{p}的{c}健身房收了年卡费用后突然倒闭，老板联系不上",
        ],
        "传销非法集资": [
            "{p}有人搞传销，以投资养老项目的名义骗老人的钱，已经骗了{n}多万",
            "{c}打着区块链理财的旗号非法集资，承诺年化收益{n}%，现在提不出钱了",
        ],
        "旅游": [
            "我们跟{c}旅行社去旅游，导游强制购物，不买就不让上车",
            "{p}景区门票太贵了，里面还要另外收观光车费和讲解费",
            "国庆去{p}景区，停车场和厕所都不够，排队{n}个小时",
            "{p}景区周边的农家乐宰客，一盘青菜收{n}块钱",
        ],
        "市场秩序": [
            "{p}菜市场的商贩缺斤短两，用的电子秤做了手脚",
            "{p}的农贸市场摊位费涨得太快，一个摊位一年{n}万，生意没法做了",
            "{p}有商户占道经营，把人行道都摆满了货",
        ],
        "食品安全": [
            "{p}的{c}餐馆后厨脏乱差，我们吃完以后好几个人都拉肚子了",
            "在{c}超市买的牛奶过期了还在卖，找商家只给退钱不给赔偿",
            "{p}街边的烧烤摊用的肉来源不明，卫生条件很差",
        ],
        "价格": [
            "{p}的加油站油价比别处高{n}毛，还经常说没有九二号",
            "{p}物价太高了，猪肉涨到{n}块一斤，希望政府平抑物价",
        ],
        "营商证照": [
            "在{p}办营业执照要跑好几个部门，材料交了{n}次还是说不齐全",
            "我想在{p}开一个小餐馆，食品经营许可证一直办不下来",
            "{p}的个体工商户经营困难，房租太高，能不能给点扶持政策",
        ],
        "电商快递": [
            "在{c}网店买的东西是假货，平台客服一直推脱不处理",
            "{c}快递丢件了不赔偿，快递员态度也很差，{p}的快递点乱收取件费",
        ],
    },
    "环境保护": {
        "噪音": [
            "{p}旁边的工地每天晚上施工到凌晨{n}点，噪音太大根本睡不着觉，打了环保热线也没用",
            "{p}楼下的KTV和酒吧噪音扰民，半夜还在唱歌",
            "{p}的广场舞音响声音太大，从早到晚，老人孩子都休息不好",
            "{p}小区紧挨着高架桥，车辆噪音太大，希望加装隔音屏",
        ],
        "废气异味": [
            "{p}附近的{c}工厂晚上偷偷排放废气，刺鼻的味道，居民开窗都不敢",
            "{p}周边的化工厂排放的气体有臭鸡蛋味，很多人咳嗽头疼",
            "{p}的餐饮店油烟直排，没有安装油烟净化器，楼上住户被熏得不行",
            "{p}附近的垃圾焚烧厂经常冒黑烟，周围居民很担心健康",
        ],
        "水污染": [
            "{p}附近的河道发黑发臭，有企业往河里偷排污水",
            "{c}养殖场的粪污直接排到{p}的水渠里，下游的水都不能用了",
            "{p}的湖里出现大量死鱼，怀疑是上游工厂排污造成的",
        ],
        "垃圾": [
            "{p}的垃圾站堆满了没人清运，夏天臭气熏天，蚊子苍蝇很多",
            "{p}有人在河边倾倒建筑垃圾，已经堆成了小山",
            "{p}的垃圾分类只是形式，分好的垃圾最后还是混在一起拉走",
        ],
        "扬尘": [
            "{p}的渣土车不盖篷布，一路撒一路，灰尘大得睁不开眼",
            "{p}的搅拌站扬尘污染严重，周边居民家里窗台天天一层灰",
        ],
        "辐射": [
            "{p}楼顶新装了通信基站，离住户太近，担心辐射影响健康",
            "{p}小区旁边要建变电站，居民担心电磁辐射，环评有没有公示",
        ],
        "生态破坏": [
            "{p}的山上有人非法采砂采石，把山体挖得千疮百孔",
            "{p}的湿地被填了盖房子，候鸟都不来了",
            "{p}有人乱砍滥伐，林地被毁了一大片",
        ],
        "环评": [
            "{c}的项目在{p}开工之前没有做环评，周围居民都不知道",
            "{p}要建{c}化工园区，环评公示期只有几天，居民意见没有被听取",
        ],
    },
}

# Category-flavoured consequences and asks (mixed in at random; many are shared in spirit across categories).
CONSEQUENCES = {
    "城乡建设": ["住着提心吊胆", "业主们意见很大", "大家都很无奈", "老人上下楼太难了", "几百户人家都受影响"],
    "劳动和社会保障": ["一家老小等着这钱过年", "生活都成问题了", "我们都是普通打工的", "孩子的学费都交不上"],
    "教育文体": ["孩子压力很大", "家长们都很担心", "影响孩子的学习", "孩子天天哭着不想去学校"],
    "卫生计生": ["老人身体本来就不好", "病人等不起", "我们看病太难了", "家里已经负债累累"],
    "交通运输": ["出行非常不方便", "上班天天迟到", "安全隐患很大", "老百姓出门太难"],
    "商贸旅游": ["消费者权益得不到保障", "我们小商户太难了", "损失很大", "很多人上当受骗"],
    "环境保护": ["严重影响居民身体健康", "晚上根本睡不着", "孩子老人都受不了", "周边环境被破坏得很厉害"],
}
ASKS = {
    "城乡建设": ["请住建部门督促开发商整改", "希望城管部门依法处理", "请政府协调解决", "希望纳入老旧小区改造计划"],
    "劳动和社会保障": ["请劳动监察部门帮忙追讨", "希望人社局给个说法", "请社保部门尽快核实", "希望依法维护我们的权益"],
    "教育文体": ["请教育局调查处理", "希望教育部门规范管理", "请尽快解决孩子上学问题", "希望相关部门多建些场馆"],
    "卫生计生": ["请卫健委调查处理", "希望卫生部门加强监管", "请给我们一个公道", "希望尽快落实政策"],
    "交通运输": ["请交通部门尽快解决", "希望交警部门加强管理", "请公交公司调整线路", "希望尽快修好这条路"],
    "商贸旅游": ["请市场监管部门查处", "希望工商部门帮我们退款", "请旅游部门加强监管", "希望依法打击"],
    "环境保护": ["请环保部门尽快查处", "希望生态环境局派人来检测", "请责令企业停产整改", "希望还我们一个安静的环境"],
}
# Side remarks: a sentence of another topic dropped into a message (residents write about everything at once).
SIDE = {
    "城乡建设": ["另外小区里的路灯也坏了好久", "顺便说一下我们小区的物业也很差", "还有楼道里的消防栓也是坏的"],
    "劳动和社会保障": ["我自己也是失业在家", "我老公单位也没给交社保", "家里老人的养老金也很少"],
    "教育文体": ["孩子马上要上小学了", "孩子在附近学校上学", "小区旁边的学校也受影响"],
    "卫生计生": ["家里老人身体不好经常住院", "社区医院也不管", "孩子最近老是咳嗽去医院看"],
    "交通运输": ["附近公交也很少", "门口那条路也天天堵车", "下班回家打车都打不到"],
    "商贸旅游": ["附近的超市东西还卖得贵", "楼下的商铺也在占道经营", "外卖小哥天天在小区乱窜"],
    "环境保护": ["附近还有工地天天施工噪音很大", "旁边的垃圾也没人清理", "空气质量也很差"],
}

GENERIC_ASKS = ["请有关部门尽快处理", "希望政府管一管", "请领导帮忙协调", "希望给老百姓一个说法", "请相关部门落实"]
GREETINGS = [
    "尊敬的领导：您好！",
    "领导您好，",
    "您好，",
    "尊敬的市长：",
    "书记您好！",
    "各位领导好，",
    "你好，",
    "",
    "",
    "",
    "",
    "麻烦问一下，",
    "请问领导，",
]
INTROS = [
    "我是{p}的居民，",
    "本人是{p}的一名业主，",
    "我是一名普通市民，",
    "我们是住在{p}的群众，",
    "我是外地来{city}打工的，",
    "我是一名退休职工，",
    "我是一名学生家长，",
    "",
    "",
    "",
    "",
]
CLOSINGS = [
    "谢谢！",
    "谢谢领导！",
    "望领导重视！！",
    "盼回复。",
    "急！！！",
    "希望尽快给个答复，谢谢",
    "麻烦了",
    "万分感谢！",
    "我们实在没办法了才来这里留言",
    "",
    "",
    "",
    "拜托了！！",
    "请领导百忙之中关注一下",
]
TIMES = ["从{d}开始", "{d}到现在", "最近这段时间", "这几个月", "好几年了", "上个星期", "今年以来", "自从{d}以后"]
PUSHES = [
    "打了12345热线好几次都没人管",
    "找了街道社区都说不归他们管",
    "反映过很多次了一直没有解决",
    "相关部门互相推诿",
    "在网上也留过言了没有下文",
    "",
    "",
    "",
]

DISTRICTS = [f"A{i}区" for i in range(1, 8)] + ["A市", "西地省A市", "K8县", "L市L4县"]
STREET_ROOTS = [
    "枫林",
    "韶山",
    "芙蓉",
    "五一",
    "人民",
    "解放",
    "东风",
    "劳动",
    "曙光",
    "万家丽",
    "雨花",
    "金星",
    "望城",
    "星沙",
    "湘江",
    "桐梓坡",
    "车站",
    "黄兴",
    "麓山",
    "岳麓",
]
STREET_KIND = ["路", "大道", "街", "北路", "南路", "中路"]
ESTATE_A = [
    "润和",
    "金色",
    "阳光",
    "碧桂",
    "恒大",
    "保利",
    "中建",
    "万科",
    "绿地",
    "融创",
    "锦绣",
    "龙湖",
    "山水",
    "和平",
    "幸福",
    "新城",
    "丽景",
    "滨江",
    "书香",
    "嘉园",
]
ESTATE_B = ["小区", "花园", "家园", "苑", "新村", "公馆", "城", "华府", "一期", "二期"]
VILLAGES = ["黄土岭", "石门", "杨家", "高桥", "新塘", "河西", "白沙", "双江", "长冲", "泉塘", "荷花", "罗家"]
COMPANIES = [
    "华远",
    "鑫盛",
    "恒通",
    "宏达",
    "天成",
    "瑞丰",
    "金鼎",
    "众鑫",
    "佳美",
    "东方",
    "博远",
    "汇通",
    "联创",
    "诚信",
    "大地",
    "顺达",
]
COMPANY_KIND = ["建筑公司", "物业公司", "置业有限公司", "科技有限公司", "实业公司", "商贸公司", "劳务公司", "公司"]
SCHOOL_KIND = ["小学", "中学", "实验学校", "第一中学", "第二小学", "外国语学校", "实验中学"]
HOSPITAL_KIND = ["人民医院", "中医院", "妇幼保健院", "卫生院", "中心医院", "第一人民医院"]

TYPOS = [
    ("在", "再"),
    ("的", "得"),
    ("已经", "以经"),
    ("部门", "部们"),
    ("反映", "反应"),
    ("做", "作"),
    ("希望", "希忘"),
    ("严重", "严总"),
    ("那", "哪"),
    ("工资", "工姿"),
    ("小区", "小曲"),
    ("投诉", "头诉"),
    ("处理", "处里"),
    ("一直", "一只"),
]


class Place:
    """A concrete address: district, street, estate or village, sometimes building and unit numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.district = rng.choice(DISTRICTS)
        self.street = rng.choice(STREET_ROOTS) + rng.choice(STREET_KIND)
        if rng.random() < 0.8:
            self.estate = rng.choice(ESTATE_A) + rng.choice(ESTATE_B)
        else:
            self.estate = rng.choice(VILLAGES) + rng.choice(["村", "社区", "组"])
        self.building = f"{rng.randint(1, 30)}栋" if rng.random() < 0.5 else ""
        self.company = rng.choice(COMPANIES) + rng.choice(COMPANY_KIND)
        self.school = rng.choice(STREET_ROOTS) + rng.choice(SCHOOL_KIND)
        self.hospital = rng.choice(STREET_ROOTS) + rng.choice(HOSPITAL_KIND)
        self.number = rng.randint(2, 60)
        self.date = f"{rng.randint(2015, 2019)}年{rng.randint(1, 12)}月"

    def mention(self, rng: random.Random) -> str:
        """How one resident names the place: full or partial."""
        forms = [
            f"{self.district}{self.street}{self.estate}{self.building}",
            f"{self.district}{self.estate}",
            f"{self.street}{self.estate}",
            f"{self.estate}{self.building}",
            f"{self.district}{self.street}",
            self.estate,
        ]
        return rng.choice(forms)


def _typos(text: str, rng: random.Random, rate: float) -> str:
    for right, wrong in TYPOS:
        if right in text and rng.random() < rate:
            text = text.replace(right, wrong, 1)
    return text


def _punctuate(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        text = text.replace("。", "，")  # one run-on sentence
    elif roll < 0.25:
        text = text.replace("，", " ")  # spaces for commas (phone typing)
    elif roll < 0.32:
        text = text.replace("！", "!!!").replace("。", "。。")
    return text


def message(
    category: str, problem: str, place: Place, rng: random.Random, *, side: float = 0.25, variant: int | None = None
) -> str:
    """One resident's message about ``problem`` of ``category`` at ``place`` (in wording ``variant`` if given)."""
    fill = {
        "p": place.mention(rng),
        "n": str(place.number if rng.random() < 0.7 else rng.randint(2, 60)),
        "d": place.date,
        "c": place.company,
        "s": (place.hospital if category == "卫生计生" else place.school)
        if rng.random() < 0.7
        else place.district + (place.hospital if category == "卫生计生" else place.school),
    }
    variants = PROBLEMS[category][problem]
    core = (variants[variant] if variant is not None else rng.choice(variants)).format(**fill)
    parts = [rng.choice(GREETINGS), rng.choice(INTROS).format(p=place.mention(rng), city="A市")]
    when = rng.choice(TIMES).format(d=place.date)
    if rng.random() < 0.5:
        parts.append(when + "，")
    parts.append(core + "，")
    if rng.random() < 0.2 and variant is None:
        # A second wording of the same problem: residents repeat themselves.
        other = rng.choice(variants).format(**{**fill, "p": "我们这里"})
        parts.append(other + "。")
    if rng.random() < 0.6:
        parts.append(rng.choice(CONSEQUENCES[category]) + "，")
    push = rng.choice(PUSHES)
    if push:
        parts.append(push + "，")
    if rng.random() < side:
        parts.append(rng.choice(SIDE[rng.choice([c for c in CATEGORIES if c != category])]) + "。")
    if rng.random() < 0.5:
        parts.append(rng.choice(ASKS[category]) + "。")
    elif rng.random() < 0.6:
        parts.append(rng.choice(GENERIC_ASKS) + "。")
    parts.append(rng.choice(CLOSINGS))
    text = "".join(parts).replace("，。", "。").replace("，，", "，")
    text = _typos(text, rng, rate=0.08)
    return _punctuate(text, rng)


def corpus(n: int, rng: random.Random, *, noise: float = 0.02) -> list[tuple[str, str, str]]:
    """(text, label, wording): ``wording`` names the problem phrasing used, so that a benchmark can hold whole
    wordings out of training (grouped folds) and measure generalisation to phrasings it has never seen."""
    rows: list[tuple[str, str, str]] = []
    for category in CATEGORIES:
        for _ in range(round(n * SHARES[category])):
            problem = rng.choice(sorted(PROBLEMS[category]))
            variant = rng.randrange(len(PROBLEMS[category][problem]))
            label = category
            if rng.random() < noise:
                label = rng.choice([c for c in CATEGORIES if c != category])
            text = message(category, problem, Place(rng), rng, variant=variant)
            rows.append((text, label, f"{category}/{problem}/{variant}"))
    rng.shuffle(rows)
    return rows


def pairs(n: int, rng: random.Random) -> list[dict]:
    """Labelled pairs: 40% duplicates, 40% hard negatives (same category and problem type, another place, often the
    same district), 20% easy negatives (different categories)."""
    out = []
    for i in range(n):
        category = rng.choice(CATEGORIES)
        problem = rng.choice(sorted(PROBLEMS[category]))
        variant = rng.randrange(len(PROBLEMS[category][problem]))
        place = Place(rng)
        roll = i % 5
        if roll < 2:
            # The same concrete complaint at the same place, by two residents.
            a = message(category, problem, place, rng, side=0.15, variant=variant)
            b = message(category, problem, place, rng, side=0.15, variant=variant)
            out.append({"a": a, "b": b, "label": 1, "kind": "duplicate", "category": category})
        elif roll < 4:
            other = Place(rng)
            if rng.random() < 0.6:
                other.district = place.district
            if rng.random() < 0.3:
                other.street = place.street
            # Half of them: the very same complaint wording, somewhere else.
            other_variant = variant if rng.random() < 0.5 else None
            a = message(category, problem, place, rng, side=0.15, variant=variant)
            b = message(category, problem, other, rng, side=0.15, variant=other_variant)
            out.append({"a": a, "b": b, "label": 0, "kind": "hard", "category": category})
        else:
            cat_b = rng.choice([c for c in CATEGORIES if c != category])
            a = message(category, problem, place, rng)
            b = message(cat_b, rng.choice(sorted(PROBLEMS[cat_b])), Place(rng), rng)
            out.append({"a": a, "b": b, "label": 0, "kind": "easy", "category": category})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="messages")
    parser.add_argument("--pairs", type=int, default=1500, help="labelled pairs")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "data"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    with (out / "residents.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label", "wording"])
        writer.writerows(corpus(args.n, rng))
    with (out / "residents_pairs.jsonl").open("w", encoding="utf-8") as fh:
        for pair in pairs(args.pairs, random.Random(args.seed + 1)):
            fh.write(json.dumps(pair, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
