//! Reading the kernel metadata of an AMDGPU code object: the ELF `.note` section's `NT_AMDGPU_METADATA` entry,
//! which is a MessagePack map (code object v3 and later), and the values of constant data symbols (the
//! `HF_DYNAMIC_LDS` declarations). No LLVM tools needed.

use crate::error::{Error, Result};

/// `EM_AMDGPU`.
const EM_AMDGPU: u16 = 224;
/// `SHT_NOTE`.
const SHT_NOTE: u32 = 7;
/// `SHT_SYMTAB`.
const SHT_SYMTAB: u32 = 2;
/// `SHT_NOBITS` (zero-initialized data: no bytes in the file).
const SHT_NOBITS: u32 = 8;
/// `NT_AMDGPU_METADATA`.
const NT_AMDGPU_METADATA: u32 = 32;

fn bad(what: &str, got: impl std::fmt::Display) -> Error {
    Error::invalid("code object", what, got)
}

fn u16_at(b: &[u8], at: usize) -> Result<u16> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| bad("an ELF file long enough for its headers", format!("{} bytes", b.len())))
}
fn u32_at(b: &[u8], at: usize) -> Result<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes(s.try_into().unwrap()))
        .ok_or_else(|| bad("an ELF file long enough for its headers", format!("{} bytes", b.len())))
}
fn u64_at(b: &[u8], at: usize) -> Result<u64> {
    b.get(at..at + 8)
        .map(|s| u64::from_le_bytes(s.try_into().unwrap()))
        .ok_or_else(|| bad("an ELF file long enough for its headers", format!("{} bytes", b.len())))
}

/// Section header `i`: (type, address, file offset, size, link).
fn section(elf: &[u8], i: usize) -> Result<(u32, u64, usize, usize, u32)> {
    let shoff = u64_at(elf, 0x28)? as usize;
    let shentsize = u16_at(elf, 0x3A)? as usize;
    let sh = i
        .checked_mul(shentsize)
        .and_then(|x| x.checked_add(shoff))
        .ok_or_else(|| bad("sane section headers", i))?;
    Ok((
        u32_at(elf, sh + 4)?,
        u64_at(elf, sh + 0x10)?,
        u64_at(elf, sh + 0x18)? as usize,
        u64_at(elf, sh + 0x20)? as usize,
        u32_at(elf, sh + 0x28)?,
    ))
}

/// The bytes of the data symbol `name` (its `st_size` bytes, from the section that holds it), or `None` when the
/// code object has no such symbol. Reads `.symtab`; the code objects the build makes are not stripped.
pub fn symbol_data<'a>(elf: &'a [u8], name: &str) -> Result<Option<&'a [u8]>> {
    metadata_note(elf)?; // validates the header: an AMDGPU ELF64 little-endian file
    let shnum = u16_at(elf, 0x3C)? as usize;
    for i in 0..shnum {
        let (kind, _, off, size, link) = section(elf, i)?;
        if kind != SHT_SYMTAB {
            continue;
        }
        let (_, _, str_off, str_size, _) = section(elf, link as usize)?;
        let strtab = elf
            .get(str_off..str_off.saturating_add(str_size))
            .ok_or_else(|| bad("a string table inside the file", str_off))?;
        let syms = elf
            .get(off..off.saturating_add(size))
            .ok_or_else(|| bad("a symbol table inside the file", off))?;
        // Elf64_Sym: st_name u32, st_info u8, st_other u8, st_shndx u16, st_value u64, st_size u64 (24 bytes).
        for sym in syms.chunks_exact(24) {
            let name_off = u32_at(sym, 0)? as usize;
            let Some(rest) = strtab.get(name_off..) else { continue };
            let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            if &rest[..end] != name.as_bytes() {
                continue;
            }
            let shndx = u16_at(sym, 6)? as usize;
            let (value, sym_size) = (u64_at(sym, 8)?, u64_at(sym, 16)? as usize);
            let (dkind, daddr, doff, dsize, _) = section(elf, shndx)?;
            let rel = value
                .checked_sub(daddr)
                .map(|r| r as usize)
                .filter(|r| r.saturating_add(sym_size) <= dsize)
                .ok_or_else(|| {
                    bad(
                        &format!("symbol {name} inside its section"),
                        format!("address {value:#x}"),
                    )
                })?;
            if dkind == SHT_NOBITS {
                return Err(bad(
                    &format!("symbol {name} with initialized data"),
                    "a zero-initialized (NOBITS) symbol",
                ));
            }
            let at = doff + rel;
            return elf
                .get(at..at + sym_size)
                .map(Some)
                .ok_or_else(|| bad(&format!("symbol {name}'s bytes inside the file"), at));
        }
    }
    Ok(None)
}

/// The processor named by an AMDGPU ELF header's `e_flags` (`EF_AMDGPU_MACH`, the low byte; LLVM's
/// `llvm/BinaryFormat/ELF.h`: 0x04c gfx942, 0x04f gfx950), for code objects whose metadata has no `amdhsa.target`
/// (hand-written assembly kernels, e.g. aiter's). `None` for other values.
pub fn arch_from_flags(elf: &[u8]) -> Option<&'static str> {
    let flags = u32_at(elf, 0x30).ok()?;
    match flags & 0xff {
        0x4c => Some("gfx942"),
        0x4f => Some("gfx950"),
        _ => None,
    }
}

/// The MessagePack bytes of the AMDGPU metadata note of a little-endian ELF64 AMDGPU code object.
pub fn metadata_note(elf: &[u8]) -> Result<&[u8]> {
    if elf.get(..4) != Some(b"\x7fELF") {
        return Err(bad(
            "an ELF file (\\x7fELF)",
            format!("{:02x?}", &elf[..elf.len().min(4)]),
        ));
    }
    if elf.get(4) != Some(&2) || elf.get(5) != Some(&1) {
        return Err(bad("ELF64 little-endian", "another ELF class or byte order"));
    }
    let machine = u16_at(elf, 0x12)?;
    if machine != EM_AMDGPU {
        return Err(bad("e_machine EM_AMDGPU (224)", machine));
    }
    let shoff = u64_at(elf, 0x28)? as usize;
    let shentsize = u16_at(elf, 0x3A)? as usize;
    let shnum = u16_at(elf, 0x3C)? as usize;
    for i in 0..shnum {
        let sh = shoff.checked_add(i.checked_mul(shentsize).ok_or_else(|| bad("sane section headers", i))?);
        let sh = sh.ok_or_else(|| bad("sane section headers", i))?;
        if u32_at(elf, sh + 4)? != SHT_NOTE {
            continue;
        }
        let off = u64_at(elf, sh + 0x18)? as usize;
        let size = u64_at(elf, sh + 0x20)? as usize;
        let notes = elf
            .get(off..off.saturating_add(size))
            .ok_or_else(|| bad("a note section inside the file", format!("{off}+{size}")))?;
        let mut at = 0usize;
        while at + 12 <= notes.len() {
            let namesz = u32_at(notes, at)? as usize;
            let descsz = u32_at(notes, at + 4)? as usize;
            let ntype = u32_at(notes, at + 8)?;
            let name_at = at + 12;
            let desc_at = name_at + namesz.div_ceil(4) * 4;
            let next = desc_at + descsz.div_ceil(4) * 4;
            let name = notes.get(name_at..name_at + namesz).unwrap_or(&[]);
            if ntype == NT_AMDGPU_METADATA && name.starts_with(b"AMDGPU") {
                return notes
                    .get(desc_at..desc_at + descsz)
                    .ok_or_else(|| bad("a complete metadata note", "a truncated one"));
            }
            at = next;
        }
    }
    Err(bad("an NT_AMDGPU_METADATA note (code object v3+)", "none"))
}

/// A decoded MessagePack value (the subset AMDGPU metadata uses, plus what is needed to skip the rest).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// nil
    Nil,
    /// true / false
    Bool(bool),
    /// Any integer that fits i64 (metadata integers are small).
    Int(i64),
    /// float32 / float64
    Float(f64),
    /// UTF-8 string (lossy)
    Str(String),
    /// Binary or extension payload.
    Bin(Vec<u8>),
    /// Array.
    Array(Vec<Value>),
    /// Map, in file order.
    Map(Vec<(Value, Value)>),
}

impl Value {
    /// The value under string key `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(kv) => kv
                .iter()
                .find(|(k, _)| matches!(k, Value::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
    /// The integer, if this is one (booleans count as 0/1).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i64),
            _ => None,
        }
    }
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Decodes one MessagePack value from the start of `b`.
pub fn msgpack(b: &[u8]) -> Result<Value> {
    let mut r = Reader { b, at: 0, depth: 0 };
    r.value()
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    depth: u32,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let s = self.b.get(self.at..self.at.saturating_add(n)).ok_or_else(|| {
            bad(
                "complete MessagePack metadata",
                format!("truncated at byte {}", self.at),
            )
        })?;
        self.at += n;
        Ok(s)
    }
    fn uint(&mut self, n: usize) -> Result<u64> {
        Ok(self.take(n)?.iter().fold(0u64, |acc, &x| (acc << 8) | x as u64))
    }
    fn value(&mut self) -> Result<Value> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(bad("MessagePack nested at most 64 deep", "deeper"));
        }
        let t = self.take(1)?[0];
        let v = match t {
            0x00..=0x7f => Value::Int(t as i64),
            0x80..=0x8f => self.map((t & 0x0f) as usize)?,
            0x90..=0x9f => self.array((t & 0x0f) as usize)?,
            0xa0..=0xbf => self.str((t & 0x1f) as usize)?,
            0xc0 => Value::Nil,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4..=0xc6 => {
                let n = self.uint(1 << (t - 0xc4))? as usize;
                Value::Bin(self.take(n)?.to_vec())
            }
            0xc7..=0xc9 => {
                let n = self.uint(1 << (t - 0xc7))? as usize;
                Value::Bin(self.take(n + 1)?.to_vec())
            }
            0xca => Value::Float(f32::from_bits(self.uint(4)? as u32) as f64),
            0xcb => Value::Float(f64::from_bits(self.uint(8)?)),
            0xcc..=0xcf => Value::Int(self.uint(1 << (t - 0xcc))? as i64),
            0xd0 => Value::Int(self.uint(1)? as u8 as i8 as i64),
            0xd1 => Value::Int(self.uint(2)? as u16 as i16 as i64),
            0xd2 => Value::Int(self.uint(4)? as u32 as i32 as i64),
            0xd3 => Value::Int(self.uint(8)? as i64),
            0xd4..=0xd8 => Value::Bin(self.take(1 + (1 << (t - 0xd4)))?.to_vec()),
            0xd9..=0xdb => {
                let n = self.uint(1 << (t - 0xd9))? as usize;
                self.str(n)?
            }
            0xdc | 0xdd => {
                let n = self.uint(if t == 0xdc { 2 } else { 4 })? as usize;
                self.array(n)?
            }
            0xde | 0xdf => {
                let n = self.uint(if t == 0xde { 2 } else { 4 })? as usize;
                self.map(n)?
            }
            0xe0..=0xff => Value::Int(t as i8 as i64),
            0xc1 => return Err(bad("a valid MessagePack type byte", "0xc1")),
        };
        self.depth -= 1;
        Ok(v)
    }
    fn str(&mut self, n: usize) -> Result<Value> {
        Ok(Value::Str(String::from_utf8_lossy(self.take(n)?).into_owned()))
    }
    fn array(&mut self, n: usize) -> Result<Value> {
        // Each element takes at least one byte: refuse counts the input cannot hold before allocating.
        if n > self.b.len() - self.at {
            return Err(bad("an array count the metadata can hold", n));
        }
        (0..n)
            .map(|_| self.value())
            .collect::<Result<Vec<_>>>()
            .map(Value::Array)
    }
    fn map(&mut self, n: usize) -> Result<Value> {
        if n > self.b.len() - self.at {
            return Err(bad("a map count the metadata can hold", n));
        }
        let mut kv = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.value()?;
            let v = self.value()?;
            kv.push((k, v));
        }
        Ok(Value::Map(kv))
    }
}
