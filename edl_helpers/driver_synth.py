"""A seeded simulator of phone telemetry from cars driven SLOW, NORMAL or AGGRESSIVE.

It writes the schema of the public Kaggle "Driving Behavior" data set (Cojocaru & Popescu, RoCHI 2022):
``AccX, AccY, AccZ`` (m/s², gravity removed; X lateral, Y longitudinal, Z vertical), ``GyroX, GyroY, GyroZ``
(rad/s; X pitch rate, Y roll rate, Z yaw rate), ``Class`` and ``Timestamp`` (whole seconds, 2 rows a second).

A trip is simulated at 10 Hz as a chain of manoeuvres (cruising with throttle and lane-keeping
corrections, speed changes, stops, turns, lane changes, road curves). The car's speed ``v`` comes from the
longitudinal acceleration, the lateral acceleration is ``v × yaw rate``, the body pitches with the change of
longitudinal acceleration and rolls with the change of lateral acceleration, and the road shakes the car.
Each row is the mean of five 10 Hz samples plus sensor noise. The three driving styles differ in *how* the
car moves (onset time of every acceleration, event durations, speeds at which turns and lane changes are
taken), far less in how far the signals swing: single rows and window means carry almost no class
information. Every trip draws its own driver, road and phone, so trips differ within a class.

The data set is written by ``data/make_driver_data.py``; :func:`generate_driver_data` with the same
arguments rebuilds it bit for bit (up to the 6 decimals of the CSV).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .validation import check_int

CHANNELS = ("AccX", "AccY", "AccZ", "GyroX", "GyroY", "GyroZ")
CLASSES = ("SLOW", "NORMAL", "AGGRESSIVE")
COLUMNS = CHANNELS + ("Class", "Timestamp")

SIMULATION_HZ = 10
ROW_HZ = 2
_PER_ROW = SIMULATION_HZ // ROW_HZ
_DT = 1.0 / SIMULATION_HZ

DEFAULT_SEED = 2022
DEFAULT_TRIPS_PER_CLASS = 64
DEFAULT_TRIP_SECONDS = (60.0, 100.0)
THROTTLE_MS2 = 0.5  # standard deviation of the throttle corrections while cruising (10 Hz)
STEERING_RADS = 0.02  # standard deviation of the lane-keeping yaw rate while cruising (10 Hz)
STEERING_PERIOD_FACTOR = 0.8  # a lane-keeping correction lasts this times the driver's throttle correction
CRUISE_SECONDS = (2.0, 6.0)  # cruising between two manoeuvres
MANOEUVRES = {"speed": 0.28, "stop": 0.14, "turn": 0.2, "lane": 0.18, "curve": 0.2}  # what follows a cruise
START_TIMESTAMP = 3_581_629  # the first Timestamp of the real train file; trips follow one another from here


@dataclasses.dataclass(frozen=True)
class DrivingStyle:
    """Ranges (low, high) from which each trip draws its driver's habits; units in the field names."""

    cruise_speed_ms: tuple[float, float]
    turn_speed_ms: tuple[float, float]
    accelerate_ms2: tuple[float, float]
    brake_ms2: tuple[float, float]
    onset_s: tuple[float, float]  # time for an acceleration to build up (jerk = peak / onset)
    turn_onset_s: tuple[float, float]  # time for the yaw rate to build up in a turn
    lane_change_s: tuple[float, float]  # duration of a lane change
    correction_s: tuple[float, float]  # how long a throttle (and, x 0.8, a steering) correction lasts


STYLES: dict[str, DrivingStyle] = {
    "SLOW": DrivingStyle(
        cruise_speed_ms=(9.0, 13.0), turn_speed_ms=(5.5, 7.5), accelerate_ms2=(1.0, 2.2), brake_ms2=(1.2, 2.6),
        onset_s=(3.0, 4.0), turn_onset_s=(2.5, 3.5), lane_change_s=(6.0, 8.0), correction_s=(8.0, 11.0)),
    "NORMAL": DrivingStyle(
        cruise_speed_ms=(10.5, 14.5), turn_speed_ms=(5.5, 7.5), accelerate_ms2=(1.2, 2.4), brake_ms2=(1.4, 2.8),
        onset_s=(1.0, 1.4), turn_onset_s=(1.0, 1.4), lane_change_s=(4.0, 5.0), correction_s=(3.0, 4.0)),
    "AGGRESSIVE": DrivingStyle(
        cruise_speed_ms=(12.0, 16.0), turn_speed_ms=(5.5, 7.5), accelerate_ms2=(1.4, 2.6), brake_ms2=(1.6, 3.2),
        onset_s=(0.2, 0.4), turn_onset_s=(0.3, 0.5), lane_change_s=(2.2, 3.0), correction_s=(0.8, 1.2)),
}


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds))


def _pulse(peak: float, onset: float, hold: float) -> np.ndarray:
    """A trapezoid with raised-cosine edges: rises over ``onset`` s, holds ``peak`` for ``hold`` s, falls."""
    edge = max(int(round(onset * SIMULATION_HZ)), 1)
    rise = 0.5 - 0.5 * np.cos(np.pi * (np.arange(edge) + 0.5) / edge)
    flat = np.ones(max(int(round(hold * SIMULATION_HZ)), 0))
    return peak * np.concatenate([rise, flat, rise[::-1]])


def _speed_change(delta_v: float, peak: float, onset: float) -> np.ndarray:
    """Longitudinal acceleration that changes the speed by ``delta_v`` m/s with peak ``peak`` m/s²."""
    hold = max(abs(delta_v) / peak - onset, 0.0)
    shape = _pulse(1.0, onset, hold)
    return shape * (delta_v / (shape.sum() * _DT))


def _smooth_noise(rng: np.random.Generator, n: int, period: float, sigma: float) -> np.ndarray:
    """Gaussian noise low-passed to features lasting about ``period`` seconds, with standard deviation ``sigma``."""
    width = max(int(round(period * SIMULATION_HZ)), 1)
    kernel = np.hanning(width + 2)[1:-1]
    raw = rng.standard_normal(n + len(kernel))
    smooth = np.convolve(raw, kernel / np.sqrt(np.sum(kernel**2)), mode="valid")[:n]
    return sigma * smooth


class _Trip:
    """Accumulates 10 Hz longitudinal acceleration and yaw rate, manoeuvre after manoeuvre."""

    def __init__(self, style: DrivingStyle, rng: np.random.Generator) -> None:
        self.rng = rng
        self.cruise_speed = _uniform(rng, style.cruise_speed_ms)
        self.turn_speed = _uniform(rng, style.turn_speed_ms)
        self.accelerate = style.accelerate_ms2
        self.brake = style.brake_ms2
        self.onset = style.onset_s
        self.turn_onset = style.turn_onset_s
        self.lane_change_s = style.lane_change_s
        self.correction = _uniform(rng, style.correction_s)
        self.along: list[np.ndarray] = []
        self.yaw: list[np.ndarray] = []
        self.speed = 0.0

    @property
    def seconds(self) -> float:
        return sum(len(a) for a in self.along) * _DT

    def _add(self, along: np.ndarray, yaw: np.ndarray | None = None) -> None:
        yaw = np.zeros_like(along) if yaw is None else yaw
        self.along.append(along)
        self.yaw.append(yaw)
        self.speed = max(self.speed + float(along.sum()) * _DT, 0.0)

    def change_speed(self, target: float) -> None:
        delta = target - self.speed
        if abs(delta) < 0.2:
            return
        bounds = self.accelerate if delta > 0 else self.brake
        self._add(_speed_change(delta, _uniform(self.rng, bounds), _uniform(self.rng, self.onset)))

    def cruise(self, seconds: float) -> None:
        n = int(round(seconds * SIMULATION_HZ))
        throttle = _smooth_noise(self.rng, n, self.correction, THROTTLE_MS2)
        ramp = np.linspace(0.0, 1.0, n)
        throttle -= ramp * throttle.sum() / max(ramp.sum(), 1e-9)  # cruising ends at the speed it started with
        steering = _smooth_noise(self.rng, n, STEERING_PERIOD_FACTOR * self.correction, STEERING_RADS)
        self._add(throttle, steering)

    def stop(self, seconds: float) -> None:
        self.change_speed(0.0)
        n = int(round(seconds * SIMULATION_HZ))
        self._add(np.zeros(n))

    def turn(self) -> None:
        self.change_speed(self.turn_speed * self.rng.uniform(0.85, 1.15))
        radius = self.rng.uniform(9.0, 16.0)
        rate = self.speed / radius
        angle = np.pi / 2 * self.rng.uniform(0.8, 1.1)
        onset = _uniform(self.rng, self.turn_onset)
        hold = max(angle / rate - onset, 0.0)
        yaw = _pulse(1.0, onset, hold)
        yaw *= self.rng.choice([-1.0, 1.0]) * angle / (yaw.sum() * _DT)
        self._add(np.zeros_like(yaw), yaw)

    def lane_change(self) -> None:
        seconds = _uniform(self.rng, self.lane_change_s)
        n = max(int(round(seconds * SIMULATION_HZ / 2)), 2)
        half = np.sin(np.pi * (np.arange(n) + 0.5) / n)
        lateral_shift = 3.5  # one lane, metres: the yaw angle reached is about shift / (speed * half duration)
        angle = lateral_shift / max(self.speed * seconds / 2, 1.0)
        yaw = np.concatenate([half, -half]) * angle / (half.sum() * _DT)
        self._add(np.zeros_like(yaw), self.rng.choice([-1.0, 1.0]) * yaw)

    def curve(self) -> None:
        seconds = self.rng.uniform(6.0, 14.0)
        radius = self.rng.uniform(120.0, 300.0)
        yaw = _pulse(1.0, min(3.0, seconds / 3), seconds / 3)
        yaw *= self.rng.choice([-1.0, 1.0]) * max(self.speed, 1.0) / radius
        self._add(np.zeros_like(yaw), yaw)


def _drive(style: DrivingStyle, rng: np.random.Generator, seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """Simulate one trip; returns 10 Hz longitudinal acceleration and yaw rate (the same length)."""
    trip = _Trip(style, rng)
    trip.stop(rng.uniform(2.0, 6.0))
    trip.change_speed(trip.cruise_speed)
    while trip.seconds < seconds:
        trip.cruise(rng.uniform(*CRUISE_SECONDS))
        move = rng.choice(list(MANOEUVRES), p=list(MANOEUVRES.values()))
        if move == "speed":
            trip.change_speed(trip.cruise_speed * rng.uniform(0.6, 1.15))
        elif move == "stop":
            trip.stop(rng.uniform(3.0, 12.0))
            trip.change_speed(trip.cruise_speed)
        elif move == "turn":
            trip.turn()
            trip.change_speed(trip.cruise_speed)
        elif move == "lane":
            trip.lane_change()
        else:
            trip.curve()
    trip.stop(rng.uniform(2.0, 6.0))
    return np.concatenate(trip.along), np.concatenate(trip.yaw)


@dataclasses.dataclass(frozen=True)
class SensorModel:
    """The road, the car body and the phone: ranges (low, high) are drawn once per trip."""

    road_ms2: tuple[float, float] = (0.10, 0.20)  # vertical undulation of the road while moving (std)
    road_period_s: float = 2.0  # how long a road undulation lasts
    pitch_gain: tuple[float, float] = (0.004, 0.008)  # pitch angle (rad) per m/s² of longitudinal acceleration
    roll_gain: tuple[float, float] = (0.004, 0.008)  # roll angle (rad) per m/s² of lateral acceleration
    body_rads: float = 0.004  # pitch and roll rate of the body rocking on the road (std)
    body_period_s: float = 1.5  # how long one rocking motion lasts
    bumps_per_minute: float = 1.0  # speed bumps and potholes
    bump_ms2_per_ms: float = 0.25  # vertical jolt of a bump per m/s of speed
    noise: tuple[float, ...] = (0.08, 0.08, 0.02, 0.001, 0.001, 0.007)  # white sensor noise per row and channel
    noise_scale: tuple[float, float] = (0.9, 1.1)  # the phone: one noise multiplier per trip


SENSORS = SensorModel()


def _sensors(along: np.ndarray, yaw: np.ndarray, rng: np.random.Generator, model: SensorModel) -> np.ndarray:
    """10 Hz kinematics -> 2 Hz rows of the six phone channels (block means of 5 samples plus noise)."""
    speed = np.maximum(np.cumsum(along) * _DT, 0.0)
    lateral = speed * yaw
    moving = np.clip(speed / 3.0, 0.0, 1.0)
    n = len(along)
    road = _uniform(rng, model.road_ms2)
    pitch_gain, roll_gain = _uniform(rng, model.pitch_gain), _uniform(rng, model.roll_gain)
    vertical = moving * _smooth_noise(rng, n, model.road_period_s, road)
    pitch_rate = -pitch_gain * np.gradient(along, _DT) + moving * _smooth_noise(rng, n, model.body_period_s, model.body_rads)
    roll_rate = roll_gain * np.gradient(lateral, _DT) + moving * _smooth_noise(rng, n, model.body_period_s, model.body_rads)
    for start in np.flatnonzero(rng.random(n) < model.bumps_per_minute / 60 * _DT):
        jolt = model.bump_ms2_per_ms * speed[start] * rng.uniform(0.6, 1.4)
        shape = np.array([1.0, -0.6, 0.25])[: n - start]
        vertical[start:start + len(shape)] += jolt * shape
        pitch_rate[start:start + len(shape)] += 0.04 * jolt * shape[::-1] * rng.choice([-1.0, 1.0])
        roll_rate[start:start + len(shape)] += 0.02 * jolt * shape * rng.choice([-1.0, 1.0])
    channels = np.stack([lateral, along, vertical, pitch_rate, roll_rate, yaw], axis=1)
    rows = n // _PER_ROW
    means = channels[: rows * _PER_ROW].reshape(rows, _PER_ROW, len(CHANNELS)).mean(axis=1)
    noise = np.asarray(model.noise) * _uniform(rng, model.noise_scale)
    return means + noise * rng.standard_normal(means.shape)


def generate_driver_data(trips_per_class: int = DEFAULT_TRIPS_PER_CLASS, seed: int = DEFAULT_SEED,
                         trip_seconds: tuple[float, float] = DEFAULT_TRIP_SECONDS) -> pd.DataFrame:
    """Simulate the synthetic driver-behaviour data set.

    Args:
        trips_per_class: trips simulated for each of SLOW, NORMAL, AGGRESSIVE (1 to 200).
        seed: the seed of everything; each trip draws from its own child generator.
        trip_seconds: (shortest, longest) trip duration in seconds.

    Returns:
        A DataFrame with the columns ``COLUMNS``; the classes are recorded one after another (all SLOW trips,
        then NORMAL, then AGGRESSIVE, like the real data set's one trip per class), trips separated by gaps of
        one to five minutes in ``Timestamp``. Values are rounded to 6 decimals, as written to the CSV.
    """
    trips_per_class = check_int("trips_per_class", trips_per_class, 1, 200)
    seed = check_int("seed", seed, 0, 2**32 - 1)
    children = np.random.SeedSequence(seed).spawn(len(CLASSES) * trips_per_class + 1)
    gaps = np.random.default_rng(children[-1])
    frames, clock = [], float(START_TIMESTAMP)
    for class_index, name in enumerate(CLASSES):
        for trip in range(trips_per_class):
            rng = np.random.default_rng(children[class_index * trips_per_class + trip])
            along, yaw = _drive(STYLES[name], rng, rng.uniform(*trip_seconds))
            rows = _sensors(along, yaw, rng, SENSORS)
            frame = pd.DataFrame(np.round(rows, 6), columns=list(CHANNELS))
            frame["Class"] = name
            frame["Timestamp"] = np.floor(clock + np.arange(len(rows)) / ROW_HZ).astype(np.int64)
            frames.append(frame)
            clock += len(rows) / ROW_HZ + gaps.uniform(60.0, 300.0)
    return pd.concat(frames, ignore_index=True)
