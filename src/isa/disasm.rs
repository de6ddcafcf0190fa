//! Facts read from `llvm-objdump -d` text of an AMDGPU code object: instruction count, matrix-instruction
//! histogram, and the size of the main loop.
//!
//! This file has no dependencies on the rest of the crate: `build.rs` includes it too (it runs the disassembler at
//! build time so the report works on machines without LLVM tools).
//!
//! **Main-loop heuristic.** Every branch (`s_branch`, `s_cbranch_*`) whose target is at or before the branch itself
//! closes a loop region `[target, branch]`. Regions that contain no other region are the innermost loops. Of those,
//! the main loop is the one with the most matrix instructions (MFMA/WMMA), ties broken by the larger region; its
//! instruction count includes the closing branch. A kernel with no backward branch has no main loop. The heuristic
//! can be fooled by code the compiler lays out out of line (a loop body split around a far block), which it then
//! counts as part of the region — the count is an address range, not a control-flow-graph loop.

//! **Interleave metric** (`HF_ISA_INTERLEAVE`). The function is cut into basic blocks: a block ends after a branch
//! or `s_endpgm` and a new one starts at every branch target. Only blocks inside a loop region (as above: some
//! backward branch's `[target, branch]` contains them) count. In one block, take the instructions whose mnemonics
//! start with prefix A or prefix B, in order; the alternations are the number of neighbours among them that differ
//! (A A B B A → 2). A kernel that issues its MFMAs and then its exponentials in one block has at most 2 (M… E… M…);
//! one whose scheduler interleaves them has many. The metric is the maximum over the loop's blocks.

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
    /// The basic blocks inside loop regions, each as its mnemonics in address order (see the interleave metric).
    pub loop_blocks: Vec<Vec<String>>,
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

/// True for the matrix-core instructions of CDNA (MFMA, sparse SMFMAC) and RDNA/gfx12+ (WMMA, SWMMAC).
pub fn is_matrix_mnemonic(m: &str) -> bool {
    ["v_mfma", "v_smfmac", "v_wmma", "v_swmmac"]
        .iter()
        .any(|p| m.starts_with(p))
}

struct Insn {
    addr: u64,
    mnemonic: String,
    /// Backward or forward branch target, when this is a branch with a resolved target.
    target: Option<u64>,
}

/// Parses `llvm-objdump -d` output into one summary per function symbol.
pub fn analyze(text: &str) -> Vec<FunctionSummary> {
    let mut out = Vec::new();
    let mut current: Option<(String, u64, Vec<Insn>)> = None;
    for line in text.lines() {
        if let Some((addr, name)) = function_header(line) {
            if let Some((n, _, insns)) = current.take() {
                out.push(summarize(n, insns));
            }
            current = Some((name.to_string(), addr, Vec::new()));
            continue;
        }
        let Some((name, start, insns)) = current.as_mut() else {
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
        let Some(mnemonic) = code.split_whitespace().next() else {
            continue;
        };
        let addr = comment
            .trim()
            .split(':')
            .next()
            .and_then(|a| u64::from_str_radix(a.trim(), 16).ok())
            .unwrap_or_else(|| insns.last().map_or(*start, |l| l.addr + 4));
        let target = if mnemonic == "s_branch" || mnemonic.starts_with("s_cbranch_") {
            branch_target(comment, name, *start)
        } else {
            None
        };
        // A load with the `lds` modifier (LDS DMA: `buffer_load_dwordx4 v1, s[0:3], 0 offen lds`) is a different
        // operation from the register load of the same name; it is counted as `<mnemonic> lds`.
        let mnemonic = if code.split_whitespace().skip(1).any(|t| t == "lds") {
            format!("{mnemonic} lds")
        } else {
            mnemonic.to_string()
        };
        insns.push(Insn { addr, mnemonic, target });
    }
    if let Some((n, _, insns)) = current.take() {
        out.push(summarize(n, insns));
    }
    out
}

/// `0000000000001600 <hf_loop>:` → (0x1600, "hf_loop").
fn function_header(line: &str) -> Option<(u64, &str)> {
    let (addr, rest) = line.split_once(' ')?;
    let name = rest.strip_prefix('<')?.strip_suffix(">:")?;
    Some((u64::from_str_radix(addr, 16).ok()?, name))
}

/// The `<name+0x34>` annotation objdump prints after a branch → absolute address (only within `name`).
fn branch_target(comment: &str, name: &str, start: u64) -> Option<u64> {
    let open = comment.rfind('<')?;
    let inner = comment[open + 1..]
        .strip_suffix('>')
        .or_else(|| comment[open + 1..].split('>').next())?;
    let off = inner.strip_prefix(name)?;
    if off.is_empty() {
        return Some(start);
    }
    let hex = off.strip_prefix("+0x")?;
    Some(start + u64::from_str_radix(hex, 16).ok()?)
}

fn summarize(name: String, mut insns: Vec<Insn>) -> FunctionSummary {
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

    // Loop regions as index ranges [first, last] (inclusive).
    let mut regions: Vec<(usize, usize)> = Vec::new();
    for (idx, i) in insns.iter().enumerate() {
        if let Some(t) = i.target {
            if t <= i.addr {
                if let Some(first) = insns.iter().position(|x| x.addr == t) {
                    regions.push((first, idx));
                }
            }
        }
    }
    let innermost = regions
        .iter()
        .filter(|r| !regions.iter().any(|o| o != *r && r.0 <= o.0 && o.1 <= r.1));
    let matrix_in = |r: &(usize, usize)| {
        insns[r.0..=r.1]
            .iter()
            .filter(|i| is_matrix_mnemonic(&i.mnemonic))
            .count()
    };
    let main = innermost.max_by_key(|r| (matrix_in(r), r.1 - r.0));

    // Basic blocks (index ranges) that lie inside some loop region.
    let targets: std::collections::BTreeSet<u64> = insns.iter().filter_map(|i| i.target).collect();
    let mut loop_blocks = Vec::new();
    let mut start = 0;
    for idx in 0..insns.len() {
        let ends = insns[idx].target.is_some()
            || insns[idx].mnemonic == "s_endpgm"
            || insns[idx].mnemonic.starts_with("s_cbranch_")
            || insns[idx].mnemonic == "s_branch";
        let next_is_target = insns.get(idx + 1).is_some_and(|n| targets.contains(&n.addr));
        if ends || next_is_target || idx + 1 == insns.len() {
            if regions.iter().any(|r| r.0 <= start && idx <= r.1) {
                loop_blocks.push(insns[start..=idx].iter().map(|i| i.mnemonic.clone()).collect());
            }
            start = idx + 1;
        }
    }
    FunctionSummary {
        name,
        instructions: insns.len() as u32,
        main_loop_instructions: main.map(|r| (r.1 - r.0 + 1) as u32),
        matrix_ops: hist,
        mnemonics,
        loop_blocks,
    }
}
