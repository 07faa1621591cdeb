"""The matters residents of the demo street write about, one Template each.

Short texts paraphrased after the kind of messages residents send to a district's
letters-and-visits office, set in the seed's street: the owners' committee re-election at
Lakeside Garden, the owners' dispute with the developer at Yashiyuan, the village-in-city
renovation at Taoyuanli. Invented demo data stored in the database, not interface text,
so none of it goes through gettext; `content.fill` fills in the blanks.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    """One kind of petition: its category, wording and who deals with it."""

    category: tuple[str, str]
    title: str
    content: str
    # The unit key that handles it; "community" is the community the matter arises in.
    unit: str = "community"
    communities: tuple[str, ...] = ()  # the only communities it arises in; () for any
    collective: bool = False  # a matter people come about in groups
    forward_to: str = ""  # outside the street's powers: forwarded to this authority
    legal_channel: str = ""  # belongs to a court, arbitration or review: not accepted
    accused: str = ""  # accusations (检举控告): who is accused
    accused_unit: str = ""  # and the unit they work in ("community" as above)


T = Template
TEMPLATES: list[Template] = [
    # Lakeside Garden: the owners' committee re-election.
    T(
        ("城乡建设", "业主委员会"),
        "湖滨花园业委会换届选举程序不规范",
        "湖滨花园小区第三届业主委员会任期已于{month}月届满，换届筹备组未公示候选人名单就组织投票，"
        "部分业主的选票被他人代领代填。我们多次向筹备组反映无果，请求街道和社区督促依法重新组织换届选举。",
        communities=("lakeside",),
        collective=True,
    ),
    T(
        ("城乡建设", "业主委员会"),
        "业委会换届筹备组成员产生不公开",
        "湖滨花园换届筹备组成员由社区直接指定，没有征求业主意见，其中两名成员与现物业公司有利害关系。"
        "请求公开筹备组产生过程，并按规定调整筹备组人员。",
        communities=("lakeside",),
    ),
    T(
        ("城乡建设", "业主委员会"),
        "业委会未经业主大会擅自续聘物业",
        "湖滨花园业主委员会未召开业主大会，擅自与{company}续签三年物业服务合同，物业费还上涨了{pct}%。"
        "业主对此强烈不满，要求撤销续签决定，由业主大会重新表决。",
        communities=("lakeside",),
        collective=True,
    ),
    T(
        ("城乡建设", "业主委员会"),
        "要求公开小区公共收益账目",
        "湖滨花园小区电梯广告、地面停车等公共收益多年未向业主公开，业委会换届在即，"
        "要求对近三年收支进行审计并张榜公布明细。",
        communities=("lakeside",),
    ),
    # Yashiyuan: the owners against the developer.
    T(
        ("城乡建设", "房屋质量"),
        "雅仕苑交房质量问题迟迟不整改",
        "雅仕苑{b}幢多户业主家中外墙渗水、地下室积水，开发商{developer}承诺的维修至今未落实，"
        "已经拖了{months}个月。请求街道协调开发商限期整改，并对受损装修给予赔偿。",
        communities=("yashiyuan",),
        collective=True,
    ),
    T(
        ("城乡建设", "房屋质量"),
        "开发商未兑现绿化和车位承诺",
        "购房时{developer}宣传小区绿化率35%并配建地下车位，现在中心绿地被改成临时售楼处，"
        "车位只租不售。业主要求开发商按规划许可兑现承诺，恢复中心绿地。",
        communities=("yashiyuan",),
        collective=True,
    ),
    T(
        ("城乡建设", "房屋质量"),
        "雅仕苑交房多年办不出不动产权证",
        "雅仕苑业主交房已经{years}年，至今拿不到不动产权证，开发商说是配套设施验收没有通过。"
        "孩子上学落户都受影响，请求有关部门督促开发商尽快办理。",
        communities=("yashiyuan",),
        collective=True,
    ),
    T(
        ("城乡建设", "物业管理"),
        "开发商拒不移交物业管理用房",
        "雅仕苑成立业主委员会已半年，开发商至今不移交物业管理用房和维修资金账目，"
        "前期物业也不配合交接，请求街道督促移交。",
        communities=("yashiyuan",),
    ),
    # Taoyuanli: the village-in-city renovation.
    T(
        ("城乡建设", "城中村改造"),
        "城中村改造房屋面积认定有异议",
        "我家在桃源里村{g}组的老房子是1990年建的三层楼房，改造指挥部认定的合法面积比土地证上少了"
        "{sqm}平方米，影响安置房分配。请求重新丈量核实。",
        unit="renovation",
        communities=("taoyuan",),
    ),
    T(
        ("城乡建设", "城中村改造"),
        "城中村改造过渡安置费未按时发放",
        "桃源里村改造签约腾房后，约定按季度发放过渡安置费，但本季度已经拖了{n}周还没到账，"
        "我们在外租房压力很大，请求尽快发放。",
        unit="renovation",
        communities=("taoyuan",),
        collective=True,
    ),
    T(
        ("城乡建设", "城中村改造"),
        "安置房交付时间一拖再拖",
        "桃源里安置房原定去年年底交付，现在又说要延期一年，我们家里老人在外过渡已经四年。"
        "请求公开工程进度和交付时间表。",
        unit="renovation",
        communities=("taoyuan",),
        collective=True,
    ),
    T(
        ("城乡建设", "征地拆迁"),
        "征收补偿款分配方案未经村民代表大会讨论",
        "桃源里村{g}组的土地征收补偿款分配方案没有经过村民代表大会讨论，外嫁女和新生儿都没有份额，"
        "要求重新制定分配方案并张榜公示。",
        unit="renovation",
        communities=("taoyuan",),
        collective=True,
    ),
    # Everyday matters anywhere in the street.
    T(
        ("城乡建设", "物业管理"),
        "小区电梯频繁故障",
        "{place}{b}幢电梯本月已经停运{n}次，有一次把老人困在里面半个多小时，物业只是临时修一下。"
        "要求物业彻底检修，必要时更换电梯。",
    ),
    T(
        ("城乡建设", "物业管理"),
        "物业擅自将公共绿地改成停车位",
        "{place}物业未经业主同意，把{b}幢南面的公共绿地硬化后划成收费停车位，要求恢复绿地。",
    ),
    T(
        ("城乡建设", "违章建筑"),
        "顶楼住户屋顶违章搭建阳光房",
        "{addr}顶楼住户在屋顶平台搭建阳光房并砌墙，已导致楼下住户天花板渗水，多次劝阻无效，"
        "请求城管依法拆除。",
        unit="urban",
    ),
    T(
        ("城乡建设", "违章建筑"),
        "一楼住户私自开挖地下室",
        "{place}{b}幢一楼住户装修时私自向下开挖地下室，楼上住户墙体已经出现裂缝，担心房屋安全，"
        "请求立即制止并鉴定。",
        unit="urban",
    ),
    T(
        ("城乡建设", "市政设施"),
        "小区门口路灯坏了几个月无人修",
        "{place}北门到{road}这一段路灯坏了{months}个月，晚上漆黑一片，老人和孩子出行很不安全，"
        "请求尽快修复。",
        unit="urban",
    ),
    T(
        ("城乡建设", "市政设施"),
        "雨水管网堵塞每逢下雨积水",
        "{road}靠近{place}路段雨水井堵塞，一下大雨积水没过脚踝，电动车经过容易熄火摔倒，"
        "请求疏通管网。",
        unit="urban",
    ),
    T(
        ("劳动和社会保障", "拖欠工资"),
        "工地拖欠农民工工资",
        "我们{n}人在{site}工地做木工和钢筋工，包工头拖欠{month}月以来的工资共{amount}万元，"
        "施工单位说钱已经付给劳务公司，相互推诿。请求帮助追讨。",
        unit="labour",
        collective=True,
    ),
    T(
        ("劳动和社会保障", "拖欠工资"),
        "餐饮店老板拖欠工资后关门",
        "我在{road}的{shop}做服务员，老板拖欠我两个月工资九千多元后关门停业，电话也不接，"
        "请求帮助讨回工资。",
        unit="labour",
    ),
    T(
        ("劳动和社会保障", "社会保险"),
        "单位未依法缴纳社会保险",
        "我在辖区一家装修公司工作{years}年，公司一直没有给我缴纳社会保险，去年受伤也无法报销，"
        "请求责令公司补缴。",
        unit="labour",
    ),
    T(
        ("劳动和社会保障", "劳动合同"),
        "公司不签劳动合同还随意辞退",
        "我入职{months}个月，公司一直不签书面劳动合同，上周以业绩不好为由口头通知我不用来上班，"
        "请求依法处理并支付经济补偿。",
        unit="labour",
    ),
    T(
        ("劳动和社会保障", "退休待遇"),
        "退休后养老金核定有误",
        "我今年退休，养老金核定时少算了在原国营厂的{years}年工龄，每月少领几百元，请求重新核定。",
        forward_to="西湖区人力资源和社会保障局",
    ),
    T(
        ("环境保护", "噪声污染"),
        "工地夜间施工噪音扰民",
        "{road}旁的工地连续多天施工到凌晨一两点，搅拌车、打桩机声音很大，附近{place}居民无法休息，"
        "请求依法查处夜间违规施工。",
        unit="urban",
        collective=True,
    ),
    T(
        ("环境保护", "噪声污染"),
        "广场舞音响声音过大",
        "{place}中心广场每天晚上广场舞音响开得很大，一直跳到九点半以后，家里孩子无法学习，"
        "请求社区协调降低音量、缩短时间。",
    ),
    T(
        ("环境保护", "大气污染"),
        "沿街餐饮店油烟直排",
        "{road}上的{shop}油烟没有经过净化直接排放，正对{place}{b}幢住户窗户，夏天都不敢开窗，"
        "请求督促安装油烟净化设施。",
        unit="urban",
    ),
    T(
        ("环境保护", "大气污染"),
        "拆迁工地扬尘严重",
        "桃源里拆迁工地渣土没有覆盖，运输车辆不冲洗就上路，{road}一带灰尘很大，请求加强扬尘管控。",
        unit="urban",
        communities=("taoyuan",),
    ),
    T(
        ("环境保护", "垃圾处理"),
        "垃圾分类投放点设在楼下异味严重",
        "{place}把垃圾分类投放点设在{b}幢单元门口，夏天异味很重还招蚊蝇，请求挪到远离住户的位置。",
    ),
    T(
        ("环境保护", "水污染"),
        "河道有生活污水直排发黑发臭",
        "{place}旁边的小河有几处排污口向河里直排生活污水，河水发黑发臭，请求排查截污。",
        unit="urban",
    ),
    T(
        ("民政与社会救助", "低保救助"),
        "申请低保被拒请求重新审核",
        "我丈夫去年因病去世，我没有固定收入，还要照顾上学的孩子，申请低保被社区以收入超标为由拒绝，"
        "请求重新核对家庭收入。",
        unit="social",
    ),
    T(
        ("民政与社会救助", "养老服务"),
        "希望社区增设老年食堂",
        "{place}六十岁以上老人很多，不少是独居老人，附近没有老年食堂，吃饭很不方便，"
        "希望社区开办老年助餐点。",
        unit="social",
    ),
    T(
        ("民政与社会救助", "残疾人帮扶"),
        "残疾人两项补贴未按时到账",
        "我儿子是二级残疾，按规定可以领取困难残疾人生活补贴和护理补贴，已经{months}个月没有到账，"
        "请求查明原因。",
        unit="social",
    ),
    T(
        ("邻里纠纷与婚姻家庭", "邻里纠纷"),
        "楼上漏水邻居不配合维修",
        "{addr}楼上卫生间漏水已经半年，我家天花板霉变脱落，楼上住户拒不配合维修，请求调解。",
        unit="peace",
    ),
    T(
        ("邻里纠纷与婚姻家庭", "邻里纠纷"),
        "邻居在楼道堆放杂物堵塞通道",
        "{place}{b}幢有住户长期在楼道堆放纸板和旧家具，堵塞消防通道，劝说后反而吵架，请求社区处理。",
    ),
    T(
        ("邻里纠纷与婚姻家庭", "婚姻家庭"),
        "子女不履行赡养义务请求调解",
        "我今年七十八岁，三个子女互相推诿，谁都不愿承担我的生活费和医药费，请求调解赡养问题。",
        unit="peace",
    ),
    T(
        ("教育文体", "入学入托"),
        "孩子入学学区划分有异议",
        "我家住{addr}，今年学区调整后孩子被划到三公里外的小学，而小区门口的学校反而不能读，"
        "请求说明学区划分依据。",
        forward_to="西湖区教育局",
    ),
    T(
        ("教育文体", "文体设施"),
        "社区健身器材损坏无人维修",
        "{place}健身广场的漫步机和单杠已经损坏{months}个月，存在安全隐患，请求尽快维修更换。",
    ),
    T(
        ("交通运输", "停车管理"),
        "小区周边道路乱停车严重",
        "{road}靠近{place}一侧晚上车辆双排停放，消防车和救护车都进不来，请求规范停车秩序。",
        unit="urban",
    ),
    T(
        ("交通运输", "公共交通"),
        "公交站点撤销后出行不便",
        "{place}门口的公交站点线路调整后被撤销，老人去医院要多走一公里，请求恢复站点。",
        forward_to="杭州市交通运输局",
    ),
    T(
        ("商贸与市场监管", "食品安全"),
        "小吃店卫生条件差",
        "{road}上的{shop}后厨卫生条件很差，食材直接堆在地上，请求有关部门检查。",
        forward_to="西湖区市场监督管理局",
    ),
    T(
        ("商贸与市场监管", "消费维权"),
        "健身房关门预付卡无法退费",
        "{road}的{shop}突然关门，我们{n}0多名会员办的预付卡余额无法退还，请求帮助维权。",
        forward_to="西湖区市场监督管理局",
        collective=True,
    ),
    T(
        ("商贸与市场监管", "经营秩序"),
        "流动摊贩占道经营",
        "{place}南门晚上有十几个流动摊贩占用人行道经营，垃圾遍地，行人只能走机动车道，请求整治。",
        unit="urban",
    ),
    T(
        ("涉法涉诉", "法院判决执行"),
        "民间借贷判决后对方拒不履行",
        "我与他人民间借贷纠纷经法院判决胜诉，对方至今拒不还款，请求政府督促对方履行。",
        legal_channel="litigation",
    ),
    T(
        ("涉法涉诉", "劳动仲裁"),
        "对劳动争议处理结果不服",
        "我与原公司的工伤待遇争议，公司只愿意支付很少的补偿，我不接受，请求街道替我做主。",
        legal_channel="arbitration",
    ),
    T(
        ("涉法涉诉", "行政复议"),
        "对违建处罚决定不服",
        "城管对我家院子的棚子作出限期拆除决定，我认为这是九十年代就有的附属用房，不服处罚决定。",
        legal_channel="admin_review",
    ),
    T(
        ("检举控告", "干部作风"),
        "反映社区工作人员办事推诿",
        "我到{place}社区办理居住证明，工作人员多次让我补材料，每次说法都不一样，态度也很差，"
        "请求调查处理。",
        unit="discipline",
        accused="{place}社区工作人员",
        accused_unit="community",
    ),
    T(
        ("检举控告", "违纪违法"),
        "举报村干部在改造中优亲厚友",
        "桃源里村原村委会主任在城中村改造中为亲属多认定面积、多分安置房，请求纪检部门调查。",
        unit="discipline",
        communities=("taoyuan",),
        accused="桃源里村原村委会主任",
        accused_unit="community",
    ),
    T(
        ("检举控告", "干部作风"),
        "城管执法人员态度粗暴",
        "{road}上城管执法人员在查处占道经营时推搡摊主、扣押物品不开清单，请求调查处理。",
        unit="discipline",
        accused="城管科执法队员",
        accused_unit="urban",
    ),
    T(
        ("其他", "意见建议"),
        "建议增设电动自行车充电桩",
        "{place}电动自行车很多，居民只能从楼上拉电线充电，很不安全，建议在小区内增设集中充电桩。",
    ),
    T(
        ("其他", "意见建议"),
        "建议在小区门口增设人行横道",
        "{place}门口的{road}车流量大，没有人行横道和红绿灯，居民过马路很危险，建议增设。",
        unit="urban",
    ),
]
