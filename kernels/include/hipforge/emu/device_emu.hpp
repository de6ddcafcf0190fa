// hipforge/emu/device_emu.hpp — the emulator side of device.hpp (work in progress, issue 4).
#pragma once
#define HF_EXPORT(name, Params)
