//! Which typed keys may be pinyin readings: only a run of the syllables the index's readings
//! are made of ([`crate::analysis::pinyin::of_word`], the `pinyin` crate's plain readings)
//! can be one, so other keys (`port`, `dry`) are not looked up in the reading field at all,
//! a range of its term dictionary each.

/// Every plain reading in the data of `pinyin` 0.11.0 written in ASCII letters (a character's
/// other readings too, not only the first, which [`crate::analysis::pinyin::of_word`] uses),
/// sorted. A reading with `ü` or `ê` never equals a typed key, which holds ASCII letters only.
const SYLLABLES: [&str; 421] = [
    "a", "ai", "an", "ang", "ao", "ba", "bai", "ban", "bang", "bao", "bei", "ben", "beng", "bi",
    "bian", "biang", "biao", "bie", "bin", "bing", "bo", "bong", "bu", "ca", "cai", "can", "cang",
    "cao", "ce", "cei", "cen", "ceng", "cha", "chai", "chan", "chang", "chao", "che", "chen",
    "cheng", "chi", "chong", "chou", "chu", "chua", "chuai", "chuan", "chuang", "chui", "chun",
    "chuo", "ci", "cong", "cou", "cu", "cuan", "cui", "cun", "cuo", "da", "dai", "dan", "dang",
    "dao", "de", "dei", "den", "deng", "di", "dia", "dian", "diao", "die", "din", "ding", "diu",
    "dong", "dou", "du", "duan", "dui", "dun", "duo", "e", "ei", "en", "eng", "er", "fa", "fan",
    "fang", "fei", "fen", "feng", "fiao", "fo", "fou", "fu", "ga", "gai", "gan", "gang", "gao",
    "ge", "gei", "gen", "geng", "gong", "gou", "gu", "gua", "guai", "guan", "guang", "gui", "gun",
    "guo", "ha", "hai", "han", "hang", "hao", "he", "hei", "hen", "heng", "hm", "hng", "hong",
    "hou", "hu", "hua", "huai", "huan", "huang", "hui", "hun", "huo", "ji", "jia", "jian", "jiang",
    "jiao", "jie", "jin", "jing", "jiong", "jiu", "ju", "juan", "jue", "jun", "ka", "kai", "kan",
    "kang", "kao", "ke", "kei", "ken", "keng", "kong", "kou", "ku", "kua", "kuai", "kuan", "kuang",
    "kui", "kun", "kuo", "la", "lai", "lan", "lang", "lao", "le", "lei", "len", "leng", "li",
    "lia", "lian", "liang", "liao", "lie", "lin", "ling", "liu", "lo", "long", "lou", "lu", "luan",
    "lun", "luo", "m", "ma", "mai", "man", "mang", "mao", "me", "mei", "men", "meng", "mi", "mian",
    "miao", "mie", "min", "ming", "miu", "mo", "mou", "mu", "n", "na", "nai", "nan", "nang", "nao",
    "ne", "nei", "nen", "neng", "ng", "ni", "nia", "nian", "niang", "niao", "nie", "nin", "ning",
    "niu", "nong", "nou", "nu", "nuan", "nun", "nuo", "o", "ou", "pa", "pai", "pan", "pang", "pao",
    "pei", "pen", "peng", "pi", "pian", "piao", "pie", "pin", "ping", "po", "pou", "pu", "qi",
    "qia", "qian", "qiang", "qiao", "qie", "qin", "qing", "qiong", "qiu", "qu", "quan", "que",
    "qun", "ran", "rang", "rao", "re", "ren", "reng", "ri", "rong", "rou", "ru", "rua", "ruan",
    "rui", "run", "ruo", "sa", "sai", "san", "sang", "sao", "se", "sen", "seng", "sha", "shai",
    "shan", "shang", "shao", "she", "shei", "shen", "sheng", "shi", "shou", "shu", "shua", "shuai",
    "shuan", "shuang", "shui", "shun", "shuo", "si", "song", "sou", "su", "suan", "sui", "sun",
    "suo", "ta", "tai", "tan", "tang", "tao", "te", "tei", "teng", "ti", "tian", "tiao", "tie",
    "ting", "tong", "tou", "tu", "tuan", "tui", "tun", "tuo", "wa", "wai", "wan", "wang", "wei",
    "wen", "weng", "wo", "wong", "wu", "xi", "xia", "xian", "xiang", "xiao", "xie", "xin", "xing",
    "xiong", "xiu", "xu", "xuan", "xue", "xun", "ya", "yan", "yang", "yao", "ye", "yi", "yin",
    "ying", "yo", "yong", "you", "yu", "yuan", "yue", "yun", "za", "zai", "zan", "zang", "zao",
    "ze", "zei", "zen", "zeng", "zha", "zhai", "zhan", "zhang", "zhao", "zhe", "zhei", "zhen",
    "zheng", "zhi", "zhong", "zhou", "zhu", "zhua", "zhuai", "zhuan", "zhuang", "zhui", "zhun",
    "zhuo", "zi", "zong", "zou", "zu", "zuan", "zui", "zun", "zuo",
];

/// The longest syllable's letters.
const LONGEST: usize = 6;

/// [`SYLLABLES`] as numbers, five bits a letter from the first (`a` is 1, none 0), so that
/// they sort as the syllables do: a look-up compares numbers, not strings.
const PACKED: [u32; SYLLABLES.len()] = {
    let mut packed = [0; SYLLABLES.len()];
    let mut i = 0;
    while i < SYLLABLES.len() {
        packed[i] = pack(SYLLABLES[i].as_bytes());
        i += 1;
    }
    packed
};

/// Letters `a` to `z`, at most [`LONGEST`], as a number ordered as the letters are.
const fn pack(letters: &[u8]) -> u32 {
    let mut packed = 0;
    let mut i = 0;
    while i < LONGEST {
        packed <<= 5;
        if i < letters.len() {
            packed |= (letters[i] - b'a' + 1) as u32;
        }
        i += 1;
    }
    packed
}

/// False when `key` cannot be read as syllables of [`SYLLABLES`], so no indexed word has it as
/// its reading.
pub(super) fn may_be_reading(key: &str) -> bool {
    let key = key.as_bytes();
    if key.is_empty() || !key.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    // `joined[i]`: the first `i` letters are syllables.
    let mut joined = vec![false; key.len() + 1];
    joined[0] = true;
    for from in 0..key.len() {
        if !joined[from] {
            continue;
        }
        for to in from + 1..=(from + LONGEST).min(key.len()) {
            if PACKED.binary_search(&pack(&key[from..to])).is_ok() {
                joined[to] = true;
            }
        }
    }
    joined[key.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pinyin::ToPinyin;

    #[test]
    fn every_ascii_reading_is_a_syllable() {
        assert!(SYLLABLES.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert!(
            PACKED.windows(2).all(|w| w[0] < w[1]),
            "sorted as numbers too"
        );
        assert!(SYLLABLES.iter().all(|s| s.len() <= LONGEST));
        let mut readings = 0;
        for c in (0..=0x3FFFF).filter_map(char::from_u32) {
            let Some(reading) = c.to_pinyin().map(|p| p.plain()) else {
                continue;
            };
            if reading.bytes().all(|b| b.is_ascii_lowercase()) {
                readings += 1;
                assert!(SYLLABLES.contains(&reading), "{c} {reading}");
            }
        }
        assert!(readings > 40_000, "{readings}");
    }

    #[test]
    fn readings_are_runs_of_syllables() {
        for key in ["huoerguosi", "xijinping", "xian", "zhuang", "ng", "hm", "a"] {
            assert!(may_be_reading(key), "{key}");
        }
        for key in [
            "",
            "port",
            "dry",
            "khorgos",
            "khorgosdryport",
            "v",
            "huoerguosiq",
        ] {
            assert!(!may_be_reading(key), "{key}");
        }
    }
}
