//! Facts read from `llvm-objdump -d` text of an AMDGPU code object: instruction count, matrix-instruction
//! histogram, and the size of the main loop.
//!
//! This file has no dependencies on the rest of the crate: `build.rs` includes it too (it runs the disassembler at
//! build time so the report works on machines without LLVM tools).
//!
//! **Main loop** and its **steady-state path**: natural loops from dominators ([`super::loops`] documents the
//! rules). The main loop's instruction count is every instruction of its blocks, nested loops included.
//!
//! **Interleave metric** (`HF_ISA_INTERLEAVE`). The function is cut into basic blocks ([`super::loops`]). Only
//! blocks inside a natural loop count. In one block, take the instructions whose mnemonics start with prefix A or
//! prefix B, in order; the alternations are the number of neighbours among them that differ (A A B B A → 2). A kernel
//! that issues its MFMAs and then its exponentials in one block has at most 2 (M… E… M…); one whose scheduler
//! interleaves them has many. The metric is the maximum over the loop blocks.

/// What the disassembly says about one function (kernel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSummary {
    /// The symbol.
    pub name: String,
    /// Instructions in the function, not counting the `s_nop 0` padding after its last `s_endpgm`.
    pub instructions: u32,
    /// Instructions in the main loop (see the module docs), `None` when there is no loop.
    pub main_loop_instructions: Option<u32>,
    /// `(mnemonic, count)` of every MFMA/WMMA/SMFMAC instruction, sorted by mnemonic.
    pub matrix_ops: Vec<(String, u32)>,
    /// `(mnemonic, count)` of every instruction, sorted by mnemonic.
    pub mnemonics: Vec<(String, u32)>,
    /// The basic blocks inside loops, each as its mnemonics in address order (see the interleave metric).
    pub loop_blocks: Vec<Vec<String>>,
    /// The main loop and its steady-state path; `None` when the function has no loop.
    pub main_loop: Option<LoopFacts>,
}

impl FunctionSummary {
    /// The interleave metric for prefixes `a` and `b`: the most alternations between them in one basic block of a
    /// loop (module docs).
    pub fn max_alternations(&self, a: &str, b: &str) -> u32 {
        self.loop_blocks
            .iter()
            .map(|blk| alternations(blk, a, b))
            .max()
            .unwrap_or(0)
    }
}

/// Alternations between instructions starting with `a` and with `b` in `block` (others are skipped): the number of
/// neighbouring pairs among them that differ. A mnemonic matching both prefixes counts as `a`.
pub fn alternations<S: AsRef<str>>(block: &[S], a: &str, b: &str) -> u32 {
    let mut last: Option<bool> = None;
    let mut n = 0;
    for m in block {
        let m = m.as_ref();
        let is_a = if m.starts_with(a) {
            true
        } else if m.starts_with(b) {
            false
        } else {
            continue;
        };
        if last.is_some_and(|l| l != is_a) {
            n += 1;
        }
        last = Some(is_a);
    }
    n
}

/// Operations (`2·M·N·K`) of a matrix instruction, from the `MxNxK` shape in its mnemonic; 0 for any other
/// instruction (or a matrix mnemonic without a readable shape).
pub fn matrix_flops(m: &str) -> u64 {
    if !is_matrix_mnemonic(m) {
        return 0;
    }
    m.split('_')
        .find_map(|part| {
            let d: Vec<u64> = part.split('x').map(|x| x.parse().ok()).collect::<Option<Vec<u64>>>()?;
            (d.len() == 3).then(|| 2 * d[0] * d[1] * d[2])
        })
        .unwrap_or(0)
}

/// True for the matrix-core instructions of CDNA (MFMA, sparse SMFMAC) and RDNA/gfx12+ (WMMA, SWMMAC).
pub fn is_matrix_mnemonic(m: &str) -> bool {
    ["v_mfma", "v_smfmac", "v_wmma", "v_swmmac"]
        .iter()
        .any(|p| m.starts_with(p))
}

pub use super::loops::Insn;
use super::loops::{self, PathRule};

/// The main loop of a function and its steady-state path ([`super::loops`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopFacts {
    /// Address of the loop header's first instruction.
    pub header_addr: u64,
    /// Basic blocks in the loop (nested loops included).
    pub blocks: u32,
    /// Instructions in the loop (nested loops included).
    pub instructions: u32,
    /// Blocks on the steady-state path.
    pub path_blocks: u32,
    /// The steady-state path, one [`model_key`] per instruction, in execution order.
    pub path: Vec<String>,
    /// For each declared path rule, whether the chosen path meets it.
    pub rules_met: Vec<bool>,
}

/// The text the cost model needs of an instruction: its mnemonic, plus the operands that change its cost
/// (`s_waitcnt`/`s_wait*` counters, `s_nop`'s count, the `cbsz`/`blgp` formats of an `f8f6f4` MFMA).
pub fn model_key(i: &Insn) -> String {
    let m = &i.mnemonic;
    if m.starts_with("s_wait") || m == "s_nop" {
        return format!("{m} {}", i.operands);
    }
    if m.contains("f8f6f4") {
        let fmt: Vec<&str> = i
            .operands
            .split_whitespace()
            .filter(|t| t.starts_with("cbsz:") || t.starts_with("blgp:"))
            .collect();
        if !fmt.is_empty() {
            return format!("{m} {}", fmt.join(" "));
        }
    }
    m.clone()
}

/// Parses `llvm-objdump -d` output into `(symbol, instructions)` per function; every symbol header starts one.
pub fn parse(text: &str) -> Vec<(String, Vec<Insn>)> {
    parse_functions(text, &|_| true)
}

/// Like [`parse`], but only headers for which `is_function(symbol)` holds start a function; the others are labels
/// inside the current one (hand-written assembly puts local `label_…` symbols in the symbol table, which objdump
/// prints as headers). Branches to `<label>` or `<label+0x…>`, or with the label itself as the operand
/// (`s_cbranch_scc0 label_0060`), resolve through the labels' addresses.
pub fn parse_functions(text: &str, is_function: &dyn Fn(&str) -> bool) -> Vec<(String, Vec<Insn>)> {
    let symbols: std::collections::HashMap<&str, u64> =
        text.lines().filter_map(function_header).map(|(a, n)| (n, a)).collect();
    let mut out: Vec<(String, Vec<Insn>)> = Vec::new();
    let mut start = 0u64;
    let mut inside = false;
    for line in text.lines() {
        if let Some((addr, name)) = function_header(line) {
            if is_function(name) {
                out.push((name.to_string(), Vec::new()));
                start = addr;
                inside = true;
            }
            continue;
        }
        if !inside {
            continue;
        }
        let Some((_, insns)) = out.last_mut() else {
            continue;
        };
        if !line.starts_with('\t') && !line.starts_with("  ") {
            continue;
        }
        let body = line.trim();
        let (code, comment) = match body.find("//") {
            Some(i) => (body[..i].trim(), &body[i + 2..]),
            None => (body, ""),
        };
        let mut words = code.splitn(2, char::is_whitespace);
        let Some(mnemonic) = words.next().filter(|m| !m.is_empty()) else {
            continue;
        };
        let operands = words.next().unwrap_or("").trim().to_string();
        let addr = comment
            .trim()
            .split(':')
            .next()
            .and_then(|a| u64::from_str_radix(a.trim(), 16).ok())
            .unwrap_or_else(|| insns.last().map_or(start, |l| l.addr + 4));
        let target = if mnemonic == "s_branch" || mnemonic.starts_with("s_cbranch_") {
            branch_target(comment, &symbols).or_else(|| symbols.get(operands.trim()).copied())
        } else {
            None
        };
        // A load with the `lds` modifier (LDS DMA: `buffer_load_dwordx4 v1, s[0:3], 0 offen lds`) is a different
        // operation from the register load of the same name; it is counted as `<mnemonic> lds`.
        let mnemonic = if operands.split_whitespace().any(|t| t == "lds") {
            format!("{mnemonic} lds")
        } else {
            mnemonic.to_string()
        };
        insns.push(Insn {
            addr,
            mnemonic,
            operands,
            target,
        });
    }
    out
}

/// Parses `llvm-objdump -d` output into one summary per function symbol (no steady-state path rules).
pub fn analyze(text: &str) -> Vec<FunctionSummary> {
    analyze_with_rules(text, &|_| Vec::new())
}

/// Like [`analyze`], with the steady-state path rules of each function (`rules(symbol)`, from `HF_MODEL_PATH`).
pub fn analyze_with_rules(text: &str, rules: &dyn Fn(&str) -> Vec<String>) -> Vec<FunctionSummary> {
    parse(text)
        .into_iter()
        .map(|(name, insns)| {
            let r = rules(&name);
            summarize(name, insns, &r)
        })
        .collect()
}

/// `0000000000001600 <hf_loop>:` → (0x1600, "hf_loop").
fn function_header(line: &str) -> Option<(u64, &str)> {
    let (addr, rest) = line.split_once(' ')?;
    let name = rest.strip_prefix('<')?.strip_suffix(">:")?;
    Some((u64::from_str_radix(addr, 16).ok()?, name))
}

/// The `<name+0x34>` annotation objdump prints after a branch → absolute address, for any symbol of the
/// disassembly (the function itself or a label in it).
fn branch_target(comment: &str, symbols: &std::collections::HashMap<&str, u64>) -> Option<u64> {
    let open = comment.rfind('<')?;
    let inner = comment[open + 1..]
        .strip_suffix('>')
        .or_else(|| comment[open + 1..].split('>').next())?;
    let (name, off) = match inner.rsplit_once("+0x") {
        Some((n, hex)) => (n, u64::from_str_radix(hex, 16).ok()?),
        None => (inner, 0),
    };
    Some(symbols.get(name)? + off)
}

fn summarize(name: String, mut insns: Vec<Insn>, rules: &[String]) -> FunctionSummary {
    // Drop the alignment padding after the last s_endpgm.
    if let Some(last_end) = insns.iter().rposition(|i| i.mnemonic == "s_endpgm") {
        if insns[last_end + 1..].iter().all(|i| i.mnemonic == "s_nop") {
            insns.truncate(last_end + 1);
        }
    }
    let mut all: std::collections::BTreeMap<&str, u32> = std::collections::BTreeMap::new();
    for i in &insns {
        *all.entry(i.mnemonic.as_str()).or_insert(0) += 1;
    }
    let mnemonics: Vec<(String, u32)> = all.iter().map(|(m, n)| (m.to_string(), *n)).collect();
    let hist: Vec<(String, u32)> = mnemonics
        .iter()
        .filter(|(m, _)| is_matrix_mnemonic(m))
        .cloned()
        .collect();

    let cfg = loops::cfg(&insns);
    let all_loops = cfg.loops();
    // Rules that do not parse stay in the list as unmet, so `rules_met` lines up with the declarations.
    let parsed: Vec<Option<PathRule>> = rules.iter().map(|r| PathRule::parse(r)).collect();
    let rules: Vec<PathRule> = parsed.iter().flatten().cloned().collect();
    let realign = |met: Vec<bool>| -> Vec<bool> {
        let mut it = met.into_iter();
        parsed
            .iter()
            .map(|p| p.is_some() && it.next().unwrap_or(false))
            .collect()
    };
    let main_loop = loops::main_loop(&insns, &cfg, &all_loops, is_matrix_mnemonic).map(|l| {
        let lp = &all_loops[l];
        let path = loops::steady_path(&insns, &cfg, lp, &rules, matrix_flops);
        LoopFacts {
            header_addr: insns[cfg.blocks[lp.header].first].addr,
            blocks: lp.blocks.len() as u32,
            instructions: cfg.instructions_in(&lp.blocks) as u32,
            path_blocks: path.as_ref().map_or(0, |p| p.blocks.len() as u32),
            path: path
                .as_ref()
                .map(|p| p.insns.iter().map(|&i| model_key(&insns[i])).collect())
                .unwrap_or_default(),
            rules_met: realign(path.map(|p| p.rules_met).unwrap_or_default()),
        }
    });

    // Basic blocks inside some natural loop, for the interleave metric.
    let mut in_loop = vec![false; cfg.blocks.len()];
    for lp in &all_loops {
        for &b in &lp.blocks {
            in_loop[b] = true;
        }
    }
    let loop_blocks = cfg
        .blocks
        .iter()
        .zip(&in_loop)
        .filter(|(_, l)| **l)
        .map(|(blk, _)| insns[blk.first..=blk.last].iter().map(|i| i.mnemonic.clone()).collect())
        .collect();
    FunctionSummary {
        name,
        instructions: insns.len() as u32,
        main_loop_instructions: main_loop.as_ref().map(|m| m.instructions),
        matrix_ops: hist,
        mnemonics,
        loop_blocks,
        main_loop,
    }
}
