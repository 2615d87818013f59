"""The volunteer feature's buttons: typed and bounded, so a forged one is out of date."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import DbId, Page


class KeepNameCb(CallbackData, prefix="v_name"):
    pass


class RegionCb(CallbackData, prefix="v_region"):
    region: DbId


class RegionPageCb(CallbackData, prefix="v_regions"):
    page: Page


class InstitutionCb(CallbackData, prefix="v_inst"):
    institution: DbId


class InstitutionPageCb(CallbackData, prefix="v_insts"):
    page: Page


class OtherInstitutionCb(CallbackData, prefix="v_inst_other"):
    pass


class SquadCb(CallbackData, prefix="v_squad"):
    squad: DbId


class SquadCodeCb(CallbackData, prefix="v_squad_code"):
    pass


class NoSquadCb(CallbackData, prefix="v_no_squad"):
    pass


class SubmitCb(CallbackData, prefix="v_submit"):
    pass


class RestartCb(CallbackData, prefix="v_restart"):
    pass


class EditCb(CallbackData, prefix="v_edit"):
    pass


class ParentCb(CallbackData, prefix="v_parent"):
    accept: bool


class ReviewCb(CallbackData, prefix="v_review"):
    volunteer: DbId
    approve: bool


class NoReasonCb(CallbackData, prefix="v_no_reason"):
    volunteer: DbId


class ApplicationCb(CallbackData, prefix="v_app"):
    volunteer: DbId


class ApplicationsPageCb(CallbackData, prefix="v_apps"):
    page: Page


class ConfirmInstitutionCb(CallbackData, prefix="v_inst_ok"):
    institution: DbId
