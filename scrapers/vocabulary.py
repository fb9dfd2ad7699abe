"""Words that department pages use, in many languages: titles, honorifics,
section headings, labels and pagination. Kept apart so the lists can grow
without touching the extraction logic."""
import re


def _words(text):
    return frozenset(text.split())


def _alternation(text):
    """A regex alternation from a '|'-separated, line-wrapped list of phrases."""
    return "|".join(p.strip() for p in text.replace("\n", "|").split("|") if p.strip())


CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
KANA_OR_HAN = re.compile(r"^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
HANGUL = re.compile(r"^[\uac00-\ud7af]+$")

HONORIFIC_PREFIX = re.compile(
    r"^(?:" + _alternation(r"""
    Univ\.?-Prof\.?|Jun\.?-Prof\.?|apl\.\s?Prof\.?|Priv\.?-Doz\.?|PD|Assoc\.?\s+Prof(?:essor)?\.?|
    Asst\.?\s+Prof(?:essor)?\.?|Associate\s+Professor|Assistant\s+Professor|Emeritus\s+Professor|
    Prof(?:essor)?(?:in)?\.?(?:\s+em\.?)?|Pr\.|Dr\.?-Ing\.?|Dr\.?\s?(?:rer\.?\s?nat\.?|phil\.?|med\.?|habil\.?|h\.\s?c\.?)|
    Dr[as]?\.?|Drs\.|Dres\.|Dipl\.?-Ing\.?|Ing\.|Mag\.|Lic\.|Ir\.|Mr\.?|Mrs\.?|Ms\.?|Miss|Mx\.?|Sir|Dame|
    Herr|Frau|Mme\.?|Mlle\.?|M\.|Dott\.(?:ssa)?|Dott\.?ssa|Sr\.|Sra\.|Srta\.|Profa?\.|Prof\.ª""") + r")(?=\s|$)\s*",
    re.I,
)
HONORIFIC_SUFFIX = re.compile(
    r"(?:,?\s+(?:" + _alternation(r"""
    Ph\.?\s?D\.?|D\.?Phil\.?|M\.?Sc\.?|M\.?A\.?|B\.?Sc\.?|B\.?A\.?|M\.?D\.?|FRS|FREng|FRSE|FBA|FMedSci|
    CBE|OBE|MBE|FRSC|FIET|FIMechE|CEng|M\.?Phil\.?|MBA|M\.?Eng\.?|D\.?Sc\.?|FHEA|SFHEA|PFHEA|FInstP|FRSB|
    FRCP|FRCS|Jr\.?|Sr\.?|II|III|M\.A\.|Dr\.""") + r")|(?:" + _alternation(r"""
    教授|副教授|博士|老师|老師|先生|女士|准教授|講師|讲师|助教|研究员|研究員|교수|부교수|조교수|박사""") + r"))$"
)

NAME_PARTICLES = _words("""
    van von der den de del della dei degli di da das dos do du le la les lo y e zu ten ter bin binti bint
    ibn al el d' da' mac af av
""")

# Words that, inside a short capitalised phrase, show it is not a person's name.
NOT_NAME_WORDS = _words("""
    home about contact contacts news events event research staff people person persons study studying
    students student alumni department departments faculty faculties school schools university universities
    college institute institutes centre centres center centers group groups lab labs laboratory laboratories
    team teams our us more read view profile profiles page pages next previous back search login log menu
    publications publication projects project teaching courses course undergraduate postgraduate graduate
    admissions library services service vacancies jobs careers overview directory list all academic academics
    and the of for in on with to at by from a an & privacy policy cookies cookie accessibility sitemap map terms
    statement apply open day days week seminar seminars workshop workshops conference lecture lectures award
    awards prize prizes wins grant grants new welcome interests interest details office hours email phone
    telephone fax address contact links link resources opportunities partners partnership funding support
    physics chemistry biology engineering mathematics maths sciences science studies management economics
    history law medicine health computing informatics geography geology philosophy languages literature
    education business arts music design psychology sociology politics environment environmental energy
    marine ocean earth materials mechanical electrical civil chemical systems data computer
    lecturer lecturers senior reader readers fellow fellows researcher researchers associate associates
    assistant assistants director directors head heads chair dean manager administrator officer coordinator
    secretary technician technicians postdoctoral postdoc doctoral candidate candidates visiting honorary
    emeritus emerita professors professorin dozent dozentin mitarbeiter mitarbeiterin mitarbeitende
    startseite über kontakt aktuelles forschung lehre studium personen institut fakultät fachbereich
    abteilung veranstaltungen impressum datenschutz suche und für
    accueil actualités recherche équipe équipes enseignement formation personnel laboratoire annuaire
    événements mentions légales plan site et pour nous
    inicio noticias investigación docencia profesorado departamento contacto grupos eventos para sobre
    início notícias pesquisa ensino docentes contato
    notizie ricerca didattica personale dipartimento contatti eventi chi siamo
    nieuws onderzoek onderwijs medewerkers afdeling over ons
    universidad universität universite université università universiteit universidade universitat
    hochschule escuela escola scuola école facultad faculdade facoltà faculteit fakultät institut instituto
    istituto departamento dipartimento département laboratorio laboratório
""")

TITLE_WORDS = re.compile(
    r"(?:^|\b)(?:" + _alternation(r"""
    professor|professorin|professora|professore|professoressa|profesor|profesora|professeure?|prof\.|lecturer|reader|
    fellow|researcher|research\s+(?:associate|fellow|assistant|scientist|officer|professor)|scientist|
    director|directrice|directeur|head\s+of|chair\b|dean|emerit[ua]s?|postdoc|post-doc|postdoctoral|
    ph\.?d\.?\s+(?:student|candidate|researcher)|doctoral|tutor|instructor|teaching\s+(?:fellow|associate)|
    dozent|dozentin|privatdozent|juniorprofessor|lehrbeauftragte|wissenschaftliche[rn]?\s+mitarbeiter|
    akademische[rn]?\s+(?:ober)?r[aä]t(?:in)?|lehrstuhlinhaber(?:in)?|oberingenieur(?:in)?|doktorand|doktorandin|maître\s+de\s+conférences|maitre\s+de\s+conferences|
    chargée?\s+de\s+recherche|chercheur|chercheuse|enseignante?-chercheu|ingénieure?\s+de\s+recherche|
    catedrátic[oa]|investigador[a]?|titular|ayudante|docente|ricercat(?:ore|rice)|assegnista|
    hoogleraar|universitair\s+(?:hoofd)?docent|onderzoeker|promovend""") + r")"
    + r"|教授|讲师|講師|研究员|研究員|博士后|准教授|助教|特任|교수|연구원|강사",
    re.I,
)

INTEREST_HEADING = re.compile(
    r"^\s*(?:(?:my|main|current|key)\s+)?(?:" + _alternation(r"""
    research\s+interests?|research\s+areas?|research\s+topics?|research\s+themes?|research\s+focus|
    research\s+fields?|research\s+expertise|areas?\s+of\s+(?:research|expertise|interest|specialisation|specialization)|
    fields?\s+of\s+(?:research|interest|expertise)|expertise|specialisms?|specialities|specialties|
    interests|keywords|
    forschungsschwerpunkte?|forschungsinteressen?|forschungsgebiete?|forschungsthemen|arbeitsgebiete?|
    arbeitsschwerpunkte?|schwerpunkte|
    thèmes?\s+de\s+recherche|axes?\s+de\s+recherche|domaines?\s+de\s+recherche|intérêts?\s+de\s+recherche|
    sujets?\s+de\s+recherche|
    líneas?\s+de\s+investigación|áreas?\s+de\s+investigación|intereses\s+de\s+investigación|
    temas?\s+de\s+investigación|
    linhas?\s+de\s+pesquisa|áreas?\s+de\s+pesquisa|áreas?\s+de\s+interesse|interesses\s+de\s+pesquisa|
    interessi\s+di\s+ricerca|temi\s+di\s+ricerca|ambiti\s+di\s+ricerca|aree\s+di\s+ricerca|
    onderzoeksinteresses?|onderzoeksgebieden|onderzoeksthema'?s|onderzoek|
    研究方向|研究领域|研究領域|研究分野|研究テーマ|研究内容|研究兴趣|研究興趣|研究課題|
    연구\s?분야|연구\s?관심|관심\s?분야|전문\s?분야""") + r")(?=$|[\s:：(（])",
    re.I,
)
INTEREST_LABEL = re.compile(INTEREST_HEADING.pattern.replace(r"^\s*", r"(?:^|\b)", 1) + r"\s*[:：]", re.I)

DEPARTMENT_LABEL = re.compile(
    r"(?:" + _alternation(r"""
    department|dept\.?|school|faculty|institute|division|unit|affiliation|
    abteilung|institut|fachbereich|fakultät|lehrstuhl|einrichtung|
    département|laboratoire|unité|departamento|facultad|facultade|dipartimento|
    afdeling|vakgroep|faculteit|所属|院系|学院|学部|学科|소속|학과""") + r")",
    re.I,
)

# Headings of sections that list news or events, whose capitalised titles can look like names.
NEWS_HEADING = re.compile(
    r"^\s*(?:latest\s+)?(?:" + _alternation(r"""
    news|events|announcements|press|nieuws|evenementen|agenda|aktuelles|neuigkeiten|veranstaltungen|
    actualités|événements|noticias|eventos|notícias|notizie|eventi|avvisi|新闻|通知|公告|动态|ニュース|お知らせ|
    뉴스|공지|소식""") + r")\b",
    re.I,
)

# Labels of a field or table column that holds a job title.
TITLE_LABEL = re.compile(
    r"(?:" + _alternation(r"""
    job\s+title|title|position|role|post|grade|funktion|position|stellung|fonction|poste|statut|cargo|puesto|
    categoría|função|cargo|ruolo|qualifica|functie|职称|职务|職名|職位|직위|직급""") + r")",
    re.I,
)

PHONE_LABEL = re.compile(r"\b(?:tel|phone|telephone|telefon|téléphone|teléfono|telefone|telefono)\b\.?\s*[:：]?|电话|電話|전화", re.I)

NEXT_WORDS = re.compile(
    r"(?:" + _alternation(r"""
    next|next\s+page|weiter|nächste(?:\s+seite)?|vor|suivant|suivante|page\s+suivante|siguiente|próxima|
    seguinte|successiva|successivo|avanti|volgende|下一页|下页|次へ|次のページ|다음""") + r")\s*[»›>→]?|[»›>→]+",
    re.I,
)

PAGE_PARAMETERS = frozenset({"page", "p", "pg", "offset", "start", "letter", "initial", "pagina", "seite", "skip", "from"})

FILE_ENDINGS = (".pdf", ".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx", ".zip", ".jpg", ".jpeg", ".png",
                ".gif", ".svg", ".ics", ".vcf", ".mp4", ".mp3")


def looks_like_file(href):
    return href.lower().split("?")[0].endswith(FILE_ENDINGS)


CHINESE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "張劉陳楊黃趙吳孫馬鄭謝韓馮鄧蕭葉蘇呂盧鍾譚陸範賈韋鄒閻賀顧龔萬錢嚴湯顏莊聶魯歐關蘭寧紀單蔣許羅"
)
COMPOUND_SURNAMES = ("欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "司徒", "皇甫", "令狐")
JAPANESE_SURNAMES = frozenset("""
    佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 斎藤 清水 山崎 池田
    橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉藤 福田 太田 西村
    藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 森田 上田 内田 柴田 酒井 宮崎
    横山 高木 安藤 宮本 大野 小島 谷口 今井 工藤 高田 増田 丸山 杉山 村田 大塚 新井 小山 平野 藤本 河野 上野
    野口 武田 松井 千葉 岩崎 菅原 木下 久保 佐野 野村 松尾 菊地 杉本 市川 古川 大西 島田 水野 桜井 高野 渡部
""".split())
KOREAN_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부"
)
CJK_NOT_NAME = re.compile(
    "大学|学院|研究|中心|首页|新闻|实验|課程|课程|招生|联系|概况|简介|工程|科学|技术|管理|通知|公告|学术|教学|团队|"
    "人员|师资|队伍|学生|本科|硕士|留学|校友|下载|链接|更多|详情|講座|専攻|学部|教員|一覧|案内|入試|問い合わせ|"
    "연구|대학|학과|소개|교수진|공지|뉴스|센터|학생|입학"
)


def looks_like_cjk_name(text):
    """Chinese, Japanese or Korean personal names: short, and starting with a known surname
    (or, for Japanese, written as two space-separated parts)."""
    if CJK_NOT_NAME.search(text):
        return False
    parts = text.split()
    joined = "".join(parts)
    if len(parts) == 2 and HAN.match(parts[0]) and KANA_OR_HAN.match(parts[1]) and 2 <= len(joined) <= 8:
        return True  # Japanese: family name in kanji, given name in kanji or kana
    if all(HAN.match(p) for p in parts):
        if len(parts) == 1 and 2 <= len(joined) <= 4:
            return (joined[0] in CHINESE_SURNAMES or joined.startswith(COMPOUND_SURNAMES)
                    or any(joined.startswith(s) and len(joined) > len(s) for s in JAPANESE_SURNAMES))
        return False
    if all(HANGUL.match(p) for p in parts) and 2 <= len(joined) <= 4:
        return joined[0] in KOREAN_SURNAMES
    return False
